"""An ASGI middleware for the workflow pages (``/werk``): a request body larger than the
upload limit is refused with 413 before it is read (also when it arrives without a
Content-Length), and no response under ``/werk`` may be cached (``Cache-Control: no-store``):
pages there may show section 5 of a memo."""

from __future__ import annotations

from typing import Any

PREFIX = "/werk"


class WerkGuard:
    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_body
                except ValueError:
                    too_big = True
                if too_big:
                    await _refuse(send, self.max_body)
                    return
        seen = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        async def no_store(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"
                ]
                headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, no_store)
        except BodyTooLarge:
            if not started:
                await _refuse(send, self.max_body)


class BodyTooLarge(Exception):
    """Raised by the guarded ``receive`` when the body passes the limit."""


async def _refuse(send: Any, limit: int) -> None:
    body = (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Te groot</title>'
        "</head><body><main><h1>Te groot</h1><p>De aanvraag is groter dan "
        f"{limit // (1024 * 1024)} MB en is geweigerd.</p></main></body></html>"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
