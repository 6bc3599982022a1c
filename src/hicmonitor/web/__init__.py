"""The web: server-rendered Dutch pages and the JSON API ``/api/v1`` (FastAPI + Jinja2).

- ``app``       ``create_app(db)``: routes, error handlers, static files, security headers
- ``state``     the current snapshot of the store and the per-snapshot cache
- ``views``     from the services' answers to what pages and API show (one shape for both)
- ``pages``     the HTML pages; ``api`` the JSON API; ``params`` the checked parameters
- ``models``    the API's JSON shapes (pydantic, so OpenAPI describes them)
- ``render``    Jinja2 and its Dutch filters; ``security`` the headers on every response

The web only calls services and renders: no SQL here (``tests/test_architecture.py``).
"""
