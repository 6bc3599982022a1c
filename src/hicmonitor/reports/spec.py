"""The report spec: one YAML file per report year, written by a policy officer.

The spec holds what only people know (date, kenmerk, sender, signatories and the free
texts of the beslisnota); every figure comes from the store. Keys are Dutch because a
policy officer writes the file. Validation errors name the YAML file, the line and the
field, in Dutch (:class:`hicmonitor.errors.InputError`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from hicmonitor.errors import InputError
from hicmonitor.format_nl import amount

KENMERK_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _no_placeholder(v: str) -> str:
    """Reject texts that betray an unfinished value (the catalogue's placeholder patterns)."""
    from hicmonitor.catalog.vocabulary import vocabulary

    if vocabulary().is_placeholder(v):
        raise ValueError(f"{v.strip()[:40]!r} lijkt een plaatshouder; schrijf de echte tekst")
    return v


Tekst = Annotated[str, Field(min_length=1), AfterValidator(_no_placeholder)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class Afzender(_Strict):
    ministerie: Tekst
    directoraat_generaal: Tekst
    directie: Tekst
    team: Tekst | None = None
    bezoekadres: list[Tekst] = Field(min_length=1)
    postadres: list[Tekst] = Field(min_length=1)
    website: Tekst


class Ondertekenaar(_Strict):
    naam: Tekst | None = None
    functie: Tekst


class NietOpenbaar(_Strict):
    toelichting: Tekst | None = None
    informatie: Tekst | None = None


class BeslisnotaTeksten(_Strict):
    """Free texts of the beslisnota; a missing text is generated from data or 'Niet van toepassing'."""

    aan: Tekst = "Minister van Justitie en Veiligheid"
    aanleiding: Tekst | None = None
    geadviseerd_besluit: Tekst | None = None
    kernpunten: list[Tekst] | None = None
    politieke_context: Tekst | None = None
    financiele_overwegingen: Tekst | None = None
    juridische_overwegingen: Tekst | None = None
    krachtenveld: Tekst | None = None
    strategie: Tekst | None = None
    uitvoering: Tekst | None = None
    implementatie: Tekst | None = None
    communicatie: Tekst | None = None
    ontwikkelingen_hiervoor: Tekst | None = None
    niet_openbaar: NietOpenbaar = NietOpenbaar()


class KamerbriefTeksten(_Strict):
    geadresseerde: list[Tekst] = Field(min_length=1)
    onderwerp: Tekst | None = None
    opening: Tekst | None = None
    slot: Tekst | None = None


class ReportSpec(_Strict):
    """One report: the Kamerbrief and its beslisnota for ``jaar``."""

    jaar: int = Field(ge=2000, le=2100)
    datum: date
    kenmerk: str
    basisjaar: int | None = Field(default=None, ge=2000, le=2100)
    afzender: Afzender
    bijlagen: list[Tekst] = []
    ondertekenaars: list[Ondertekenaar] = Field(min_length=1)
    kamerbrief: KamerbriefTeksten
    beslisnota: BeslisnotaTeksten = BeslisnotaTeksten()
    voorbeeld: bool = False  # an example spec: documents say so in their header

    @field_validator("kenmerk")
    @classmethod
    def _kenmerk(cls, v: str) -> str:
        if not KENMERK_RE.match(v):
            raise ValueError(
                "een kenmerk bestaat uit letters, cijfers, '.', '_' en '-' "
                "(hoogstens 64 tekens, beginnend met een letter of cijfer)"
            )
        return v


_MESSAGES = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekend veld",
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "date_parsing": "moet een datum zijn (JJJJ-MM-DD)",
    "date_from_datetime_parsing": "moet een datum zijn (JJJJ-MM-DD)",
    "date_type": "moet een datum zijn (JJJJ-MM-DD)",
    "string_type": "moet tekst zijn",
    "list_type": "moet een lijst zijn",
    "bool_type": "moet ja/nee (true/false) zijn",
    "bool_parsing": "moet ja/nee (true/false) zijn",
    "model_type": "moet een blok met velden zijn",
    "dict_type": "moet een blok met velden zijn",
    "string_too_short": "mag niet leeg zijn",
    "too_short": "mag niet leeg zijn",
    "greater_than_equal": "is te klein",
    "less_than_equal": "is te groot",
}


def _dutch(err: dict[str, Any]) -> str:
    if err["type"] == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    return _MESSAGES.get(err["type"], err["msg"])


def _node_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == part:
                    # an unknown or bad key: point at the key itself
                    line = k.start_mark.line + 1
                    node = v
                    if not isinstance(v, yaml.MappingNode | yaml.SequenceNode):
                        line = v.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def parse_spec(text: str, file: str | Path = "<spec>") -> ReportSpec:
    """Validate a spec given as YAML text; errors name ``file``, the line and the field."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            file,
            f"geen geldige YAML ({getattr(exc, 'problem', None) or exc})",
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise InputError(file, "het bestand moet een blok met velden zijn (jaar, datum, ...)")
    try:
        return ReportSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        line = _node_line(root, loc)
        more = exc.error_count() - 1
        msg = _dutch(err) + (
            f" (en nog {amount(more, 'andere fout', 'andere fouten')})" if more else ""
        )
        raise InputError(file, msg, line=line, field=field) from None


def load_spec(path: str | Path) -> ReportSpec:
    """Read and validate a spec file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            p,
            "rapportspecificatie niet gevonden; maak er een naar het voorbeeld "
            "content/rapporten/2023.yaml of geef --spec",
        ) from None
    except IsADirectoryError:
        raise InputError(p, "dit is een map, geen YAML-bestand") from None
    except UnicodeDecodeError:
        raise InputError(p, "het bestand is geen UTF-8-tekst") from None
    return parse_spec(text, p)


def default_spec_path(year: int, content_root: Path | None = None) -> Path:
    """``<content>/rapporten/<year>.yaml``; the content folder is the catalogue's
    (``HICMONITOR_CONTENT``, else ``content/`` of the repository)."""
    if content_root is None:
        from hicmonitor.catalog.loading import default_content_dir

        content_root = default_content_dir()
    return Path(content_root) / "rapporten" / f"{year}.yaml"
