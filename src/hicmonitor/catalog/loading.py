"""Reading the catalogue's YAML files, keeping the line of every value for error messages.

The content lives in ``<content>/{maatregelen,moties,wetgeving,partners}/<id>.yaml``, one
item per file. PyYAML's composed node tree carries a start mark for every node; we build the
Python value and, beside it, a map from each value's path (``("fases", 2, "datum")``) to its
line, so that a schema error can name the line of the offending field.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hicmonitor.errors import HicError

CONTENT_ENV = "HICMONITOR_CONTENT"
KIND_DIRS = ("maatregelen", "moties", "wetgeving", "partners")

PathKey = tuple[str | int, ...]

# libyaml when available (about ten times faster); its nodes carry the same marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, located as precisely as known."""

    file: Path
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f", regel {self.line}"
        if self.field:
            where += f", veld '{self.field}'"
        return f"{where}: {self.message}"


@dataclass
class RawItem:
    """One content file as read: its kind, the data and the line of each value."""

    kind: str
    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, loc: PathKey) -> int | None:
        """The line of ``loc``, or of its nearest enclosing value that has one."""
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.lines:
                return self.lines[loc[:n]]
        return None


def default_content_dir() -> Path:
    """``HICMONITOR_CONTENT`` if set, else ``<repo>/content`` next to ``src/``."""
    env = os.environ.get(CONTENT_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "content"


def field_name(loc: PathKey) -> str:
    """``("fases", 2, "datum")`` -> ``"fases[2].datum"`` (list positions count from 0)."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool) and out:
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _build(
    loader: Any,
    node: yaml.Node,
    loc: PathKey,
    lines: dict[PathKey, int],
    problems: list[tuple[PathKey, int, str]],
) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            try:
                key = loader.construct_object(key_node, deep=True)
            except ValueError:  # a date like 2023-02-30: keep the text, the schema rejects it
                key = key_node.value
            if isinstance(key, dt.date):  # a dated history: 2023-03-20: open
                key = key.isoformat()
            if not isinstance(key, str | int) or isinstance(key, bool):
                problems.append((loc, key_node.start_mark.line + 1, f"ongeldige sleutel {key!r}"))
                continue
            if key in out:
                problems.append(
                    (
                        loc + (key,),
                        key_node.start_mark.line + 1,
                        f"veld '{key}' staat twee keer in dit blok",
                    )
                )
            out[key] = _build(loader, value_node, loc + (key,), lines, problems)
            lines[loc + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, child, loc + (i,), lines, problems) for i, child in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:  # e.g. a timestamp like 2023-13-01: keep the text, the schema rejects it
        return node.value


def read_yaml(path: Path) -> tuple[Any, dict[PathKey, int], list[Problem]]:
    """Parse one YAML file into (data, line map, problems)."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        return None, {}, [Problem(path, f"geen geldige UTF-8-tekst ({exc.reason})")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [Problem(path, "het bestand is leeg")]
        lines: dict[PathKey, int] = {}
        found: list[tuple[PathKey, int, str]] = []
        data = _build(loader, node, (), lines, found)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "onleesbare YAML"
        return (
            None,
            {},
            [Problem(path, f"geen geldige YAML ({what})", line=mark.line + 1 if mark else None)],
        )
    except yaml.YAMLError as exc:
        return None, {}, [Problem(path, f"geen geldige YAML ({exc})")]
    finally:
        loader.dispose()
    problems = [Problem(path, msg, line=line, field=field_name(loc)) for loc, line, msg in found]
    return data, lines, problems


def read_items(root: Path) -> tuple[list[RawItem], list[Problem]]:
    """Read every content file under ``root``; problems of reading are returned, not raised."""
    if not root.is_dir():
        raise HicError(
            f"{root}: de inhoudsmap bestaat niet (zet HICMONITOR_CONTENT of gebruik --map)"
        )
    items: list[RawItem] = []
    problems: list[Problem] = []
    for kind in KIND_DIRS:
        folder = root / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix not in (".yaml", ".yml"):
                problems.append(Problem(path, "geen .yaml-bestand; alleen YAML hoort in deze map"))
                continue
            data, lines, found = read_yaml(path)
            problems.extend(found)
            if data is None and found:
                continue
            if not isinstance(data, dict):
                problems.append(
                    Problem(path, "verwacht één item met velden (een YAML-mapping)", line=1)
                )
                continue
            items.append(RawItem(kind, path, data, lines))
    return items, problems
