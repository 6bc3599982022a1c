"""The Jinja2 templates of the pages and their Dutch filters."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from hicmonitor import format_nl as nl

HERE = Path(str(files("hicmonitor.web")))
STATIC_DIR = HERE / "static"
FONT_DIR = Path(str(files("hicmonitor.reports"))) / "fonts"
NAV = (
    ("/", "Landelijk"),
    ("/gemeenten", "Gemeenten"),
    ("/kaart", "Kaart"),
    ("/maatregelen", "Maatregelen"),
    ("/moties", "Moties"),
    ("/wetgeving", "Wetgeving"),
    ("/rapporten", "Rapporten"),
    ("/api", "Open data"),
)

env = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["n"] = lambda v, d=0: nl.number(v, d)
env.filters["signed"] = lambda v, d=0: nl.signed(v, d)
env.filters["pct"] = lambda v, d=1: nl.percent(v, d, sign=True)
env.filters["aantal"] = lambda v: v if isinstance(v, str) else nl.number(v)


def render(request: Request, template: str, **context: Any) -> str:
    """A page: the template with the navigation and the current path."""
    return env.get_template(template).render(
        nav=NAV, path=request.url.path, request=request, **context
    )


MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()


def _local_time(value: Any) -> str:
    """A naive UTC time of the workflow as Dutch local time ("1 december 2025, 14:05")."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    if not isinstance(value, datetime):
        return ""
    t = value.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Amsterdam"))
    return f"{t.day} {MONTHS[t.month - 1]} {t.year}, {t:%H:%M}"


env.filters["tijd"] = _local_time
env.filters["kort"] = lambda h: (h or "")[:12]


def render_werk(request: Request, template: str, **context: Any) -> str:
    """A workflow page (``/werk``): its own header, no public navigation."""
    return env.get_template(template).render(path=request.url.path, request=request, **context)
