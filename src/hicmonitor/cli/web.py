"""``hic web``: the dashboard and the JSON API for municipalities (FastAPI + uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from hicmonitor.cli.common import app, console, db_path, err_console
from hicmonitor.errors import HicError


@app.command("web")
def web(
    host: Annotated[str, typer.Option("--host", help="Adres om op te luisteren.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Poort.", min=1, max=65535)] = 8000,
    drempel: Annotated[
        int | None,
        typer.Option(
            "--drempel",
            help="Onthullingsdrempel onder gemeenteniveau (standaard 5: 1–4 als '< 5').",
            min=1,
        ),
    ] = None,
) -> None:
    """Start de website en de API (/api/v1) voor gemeenten, en de werkstroom (/werk) achter inloggen."""
    import uvicorn

    from hicmonitor.services.database import connect_loaded
    from hicmonitor.services.workflow import describe
    from hicmonitor.store import default_db_path
    from hicmonitor.web.app import create_app

    path = db_path() or default_db_path()
    connect_loaded(path).close()  # created, migrated and holding the embedded data
    application = create_app(path, threshold=drempel)
    application.state.hic.warm()
    console.print(f"hicmonitor web op http://{host}:{port}/ (database {path})", highlight=False)
    try:
        werkstroom = application.state.werk.get()  # created or migrated now
        console.print(
            f"werkstroom op http://{host}:{port}/werk/ (werkstroomdatabase {describe(werkstroom)})",
            highlight=False,
        )
    except HicError as exc:  # the public site runs on; /werk answers 503 until it can open
        err_console.print(f"[yellow]waarschuwing:[/] {exc}", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
