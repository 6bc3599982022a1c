"""The fixed texts of the documents (``teksten.yaml``): rendered with Jinja2, in the 'ik'
or 'wij' form of the letter's signatories."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
import yaml


@cache
def _doc() -> dict[str, Any]:
    return yaml.safe_load(files("hicmonitor.reports").joinpath("teksten.yaml").read_text("utf-8"))


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def raw(path: str) -> Any:
    """The entry at a dotted path (``"kamerbrief.slot"``)."""
    node: Any = _doc()
    for part in path.split("."):
        node = node[part]
    return node


def text(path: str, *, plural: bool | None = None, **ctx: Any) -> str:
    """The text at ``path``, with its 'ik'/'wij' form chosen by ``plural`` when it has
    both, rendered with ``ctx`` and with its whitespace squashed."""
    node = raw(path)
    if isinstance(node, dict) and {"ik", "wij"} <= set(node):
        if plural is None:
            raise ValueError(f"{path}: say whether the letter has one signatory or more")
        node = node["wij" if plural else "ik"]
    rendered = _env().from_string(str(node)).render(**ctx)
    return " ".join(rendered.split())
