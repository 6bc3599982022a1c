"""Validation of the catalogue content (``hic catalogus controleer``).

Every problem names the file, the line and the field, in Dutch. Checked:

* the schema of each kind (required fields, types, allowed values, unknown fields, URLs);
* duplicate ids, and an id that differs from its file name;
* references to measures and partners that do not exist;
* legislative stages out of their legal order or with dates going backwards;
* evidence that claims a recognition without a body and date (or the reverse);
* municipality codes that the store does not know, names that do not match, or codes that
  had been merged away before the year given;
* placeholder text (``TODO``, ``?``, ``Unknown``…) where a fact should be, or ``onbekend``;
* an item without a source.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hicmonitor.catalog.loading import (
    KIND_DIRS,
    PathKey,
    Problem,
    RawItem,
    default_content_dir,
    field_name,
    read_items,
)
from hicmonitor.catalog.models import (
    KINDS,
    UNKNOWN,
    Catalog,
    LegislativeTrack,
    Measure,
    Motion,
    Partner,
    date_bounds,
)
from hicmonitor.catalog.vocabulary import vocabulary
from hicmonitor.errors import HicError
from hicmonitor.format_nl import amount


@dataclass(frozen=True)
class RegionInfo:
    """What the store knows of a municipality code."""

    name: str | None
    valid_from: int | None
    valid_to: int | None


@dataclass(frozen=True)
class CheckResult:
    catalog: Catalog
    problems: tuple[Problem, ...]
    files: int

    @property
    def ok(self) -> bool:
        return not self.problems


def regions_from_frame(frame: Any) -> dict[str, RegionInfo]:
    """The municipalities of a region frame (code, name, level, valid_from, valid_to), as
    returned by ``store.regions``."""
    frame = frame[frame["level"] == "gemeente"]
    return {
        row.code: RegionInfo(
            None if _isna(row.name) else str(row.name),
            None if _isna(row.valid_from) else int(row.valid_from),
            None if _isna(row.valid_to) else int(row.valid_to),
        )
        for row in frame.itertuples(index=False)
    }


def _isna(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v) in ("<NA>", "NaT", "nan")


# --- schema errors in Dutch ----------------------------------------------------------------


def _aliases(model: type[BaseModel], out: set[str]) -> set[str]:
    for name, info in model.model_fields.items():
        out.add(info.alias or name)
        for arg in _type_args(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                _aliases(arg, out)
    return out


def _type_args(tp: Any) -> Iterator[Any]:
    yield tp
    for arg in getattr(tp, "__args__", ()) or ():
        yield from _type_args(arg)


def _schema_message(err: dict[str, Any], known_fields: set[str]) -> str:
    kind = err["type"]
    loc = err["loc"]
    ctx = err.get("ctx") or {}
    if loc and loc[-1] == "bronnen" and kind in ("missing", "too_short"):
        return "geen bron: elk item heeft minstens één bron-URL nodig"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "missing":
        return "verplicht veld ontbreekt"
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        close = difflib.get_close_matches(name, sorted(known_fields), n=1)
        return "onbekend veld" + (f"; bedoelt u '{close[0]}'?" if close else "")
    if kind == "too_short":
        return f"mag niet leeg zijn (minstens {ctx.get('min_length', 1)})"
    if kind == "list_type":
        return "verwacht een lijst (regels die beginnen met '- ')"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "verwacht een blok met velden"
    if kind in ("bool_type", "bool_parsing"):
        return "verwacht true of false"
    if kind in ("string_type", "str_type"):
        return "verwacht tekst"
    if kind in ("int_type", "int_parsing"):
        return "verwacht een geheel getal"
    return f"ongeldige waarde ({kind})"


def _validate(
    raw: RawItem, problems: list[Problem]
) -> Measure | Motion | LegislativeTrack | Partner | None:
    model = KINDS[raw.kind]
    try:
        return model.model_validate(raw.data)  # type: ignore[return-value]
    except ValidationError as exc:
        known = _aliases(model, set())
        for err in exc.errors():
            loc: PathKey = tuple(p for p in err["loc"] if p != "[key]")
            problems.append(
                Problem(
                    raw.path,
                    _schema_message(err, known),
                    line=raw.line_of(loc),
                    field=field_name(loc),
                )
            )
        return None


# --- checks across fields and items --------------------------------------------------------


def _walk_strings(value: Any, loc: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_strings(v, loc + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_strings(v, loc + (i,))
    elif isinstance(value, str):
        yield loc, value


def _placeholders(raw: RawItem, add: Any) -> None:
    voc = vocabulary()
    for loc, text in _walk_strings(raw.data):
        if voc.is_placeholder(text):
            add(
                loc,
                f"plaatsvervangende tekst {text.strip()!r}: vul het feit in of schrijf precies "
                f"'{voc.unknown}' als het onbekend is",
            )


def _check_stages(track: LegislativeTrack, add: Any) -> None:
    voc = vocabulary()
    prev = None
    for i, entry in enumerate(track.stages):
        if prev is not None:
            j, before = prev
            if voc.stage_index(entry.stage) < voc.stage_index(before.stage):
                add(
                    ("fases", i, "fase"),
                    f"fase '{entry.stage}' staat na '{before.stage}' (fases[{j}]), maar komt "
                    f"wettelijk eerder; volgorde: {' → '.join(voc.legislative_stages)}",
                )
            a, b = date_bounds(before.date), date_bounds(entry.date)
            if a is not None and b is not None and a[0] > b[1]:
                add(
                    ("fases", i, "datum"),
                    f"datum {entry.date} ligt vóór de datum van de vorige fase "
                    f"'{before.stage}' ({before.date})",
                )
        prev = (i, entry)


def _check_measure(m: Measure, add: Any, regions: Mapping[str, RegionInfo] | None) -> None:
    ev = m.evidence
    if ev.level == "niet beoordeeld":
        if ev.body is not None or ev.date is not None:
            add(
                ("erkenning", "niveau"),
                "niveau 'niet beoordeeld' maar wel een instantie of datum: "
                "kies het niveau van de beoordeling of laat instantie en datum weg",
            )
        if ev.provisional:
            add(
                ("erkenning", "onder_voorbehoud"),
                "'onder voorbehoud' past niet bij 'niet beoordeeld'",
            )
    else:
        for key, value in (("instantie", ev.body), ("datum", ev.date)):
            if value is None:
                add(
                    ("erkenning", key),
                    f"niveau '{ev.level}' vraagt om de {key} van de beoordeling "
                    f"(schrijf '{UNKNOWN}' als die onbekend is)",
                )
    seen: dict[str, int] = {}
    for i, gm in enumerate(m.municipalities):
        if gm.code in seen:
            add(("gemeenten", i, "code"), f"{gm.code} staat al in gemeenten[{seen[gm.code]}]")
        seen.setdefault(gm.code, i)
        if gm.until is not None and isinstance(gm.since, int) and gm.until < gm.since:
            add(("gemeenten", i, "tot"), f"'tot' ({gm.until}) ligt vóór 'vanaf' ({gm.since})")
        if regions is None:
            continue
        info = regions.get(gm.code)
        if info is None:
            add(
                ("gemeenten", i, "code"),
                f"gemeentecode {gm.code} ({gm.name}) staat niet in de store",
            )
            continue
        if info.name is not None and _fold(info.name) != _fold(gm.name):
            add(
                ("gemeenten", i, "naam"),
                f"{gm.code} heet in de store '{info.name}', niet '{gm.name}'",
            )
        if isinstance(gm.since, int) and info.valid_to is not None and info.valid_to < gm.since:
            add(
                ("gemeenten", i, "vanaf"),
                f"{gm.code} ({info.name or gm.name}) bestond na {info.valid_to} niet meer, "
                f"maar staat hier vanaf {gm.since}",
            )
    if len(set(m.sources)) != len(m.sources):
        add(("bronnen",), "dezelfde bron staat meer dan eens in de lijst")


def _fold(text: str) -> str:
    from hicmonitor.regions import fold

    return fold(text)


def _check_motion(m: Motion, add: Any) -> None:
    bounds = date_bounds(m.date)
    seen: dict[int, int] = {}
    for i, answer in enumerate(m.answers):
        if bounds is not None and answer.year < bounds[0].year:
            add(
                ("beantwoord_in", i, "jaar"),
                f"beantwoord in {answer.year}, vóór de datum van de {m.kind} ({m.date})",
            )
        if answer.year in seen:
            add(
                ("beantwoord_in", i, "jaar"),
                f"jaar {answer.year} staat al in beantwoord_in[{seen[answer.year]}]",
            )
        seen.setdefault(answer.year, i)


def check_items(
    raws: list[RawItem], regions: Mapping[str, RegionInfo] | None = None
) -> tuple[Catalog, list[Problem]]:
    """Validate read items into a :class:`Catalog`, collecting every problem found."""
    problems: list[Problem] = []
    valid: dict[str, list[tuple[RawItem, Any]]] = {k: [] for k in KINDS}
    first_file: dict[tuple[str, str], Path] = {}
    validated: list[tuple[RawItem, Any]] = []
    for raw in raws:

        def add(loc: PathKey, message: str, raw: RawItem = raw) -> None:
            problems.append(
                Problem(raw.path, message, line=raw.line_of(loc), field=field_name(loc))
            )

        _placeholders(raw, add)
        item = _validate(raw, problems)
        if item is None:
            continue
        if item.id != raw.path.stem:
            add(("id",), f"id '{item.id}' wijkt af van de bestandsnaam '{raw.path.name}'")
        validated.append((raw, item))
    # A file named after its id keeps the id; any other file with that id is the duplicate.
    validated.sort(key=lambda pair: (pair[1].id != pair[0].path.stem, str(pair[0].path)))
    for raw, item in validated:

        def add(loc: PathKey, message: str, raw: RawItem = raw) -> None:
            problems.append(
                Problem(raw.path, message, line=raw.line_of(loc), field=field_name(loc))
            )

        key = (raw.kind, item.id)
        if key in first_file:
            add(("id",), f"id '{item.id}' bestaat al in {first_file[key]}")
            continue
        first_file[key] = raw.path
        valid[raw.kind].append((raw, item))

    measure_ids = {m.id for _, m in valid["maatregelen"]}
    partner_ids = {p.id for _, p in valid["partners"]}

    for raw, item in (pair for pairs in valid.values() for pair in pairs):

        def add(loc: PathKey, message: str, raw: RawItem = raw) -> None:
            problems.append(
                Problem(raw.path, message, line=raw.line_of(loc), field=field_name(loc))
            )

        def refs(field: str, ids: list[str | None], known: set[str], what: str) -> None:
            for i, ref in enumerate(ids):
                if ref is not None and ref not in known:
                    loc: PathKey = (field, i) if field != "rollen" else (field, i, "maatregel")
                    add(loc, f"verwijst naar onbekende {what} '{ref}' (geen bestand {ref}.yaml)")

        if isinstance(item, Measure):
            refs("eigenaar", item.owners, partner_ids, "partner")
            refs("partners", item.partners, partner_ids, "partner")
            _check_measure(item, add, regions)
        elif isinstance(item, Motion):
            refs("maatregelen", item.measures, measure_ids, "maatregel")
            _check_motion(item, add)
        elif isinstance(item, LegislativeTrack):
            refs("maatregelen", item.measures, measure_ids, "maatregel")
            _check_stages(item, add)
        elif isinstance(item, Partner):
            refs("rollen", [r.measure for r in item.roles], measure_ids, "maatregel")

    def ordered(kind: str) -> tuple[Any, ...]:
        return tuple(sorted((item for _, item in valid[kind]), key=lambda x: x.id))

    catalog = Catalog(
        measures=ordered("maatregelen"),
        motions=ordered("moties"),
        legislation=ordered("wetgeving"),
        partners=ordered("partners"),
        files={(raw.kind, item.id): raw.path for pairs in valid.values() for raw, item in pairs},
    )
    problems.sort(key=lambda p: (str(p.file), p.line or 0))
    return catalog, problems


def check_content(
    root: Path | None = None, regions: Mapping[str, RegionInfo] | None = None
) -> CheckResult:
    """Read and check all content under ``root`` (default: :func:`default_content_dir`).

    ``regions``: the store's municipalities (see :func:`regions_from_frame`); without it the
    municipality codes are checked for their form only.
    """
    root = Path(root) if root is not None else default_content_dir()
    raws, problems = read_items(root)
    catalog, more = check_items(raws, regions)
    catalog = Catalog(
        catalog.measures,
        catalog.motions,
        catalog.legislation,
        catalog.partners,
        root=root,
        files=catalog.files,
    )
    all_problems = sorted(problems + more, key=lambda p: (str(p.file), p.line or 0))
    files = sum(
        1
        for kind in KIND_DIRS
        if (root / kind).is_dir()
        for p in (root / kind).iterdir()
        if p.is_file() and not p.name.startswith(".")
    )
    return CheckResult(catalog, tuple(all_problems), files=files)


def load_catalog(root: Path | str | None = None) -> Catalog:
    """The checked catalogue; raises :class:`HicError` listing the problems if it has any.

    The region codes are checked against the store only by ``hic catalogus controleer``.
    """
    result = check_content(Path(root) if root is not None else None)
    if not result.ok:
        shown = "\n".join(f"  {p}" for p in result.problems[:20])
        more = len(result.problems) - 20
        raise HicError(
            f"de catalogus in {result.catalog.root} bevat {amount(len(result.problems), 'fout', 'fouten')}:\n"
            + shown
            + (f"\n  … en nog {more}" if more > 0 else "")
            + "\ndraai 'hic catalogus controleer' voor alle meldingen"
        )
    return result.catalog
