"""The report spec: one YAML file per report year, written by a policy officer.

The spec holds what only people know: date and peildatum, kenmerk, sender, signatories, the
decisions of the memo (addressees, annexes, how the letter treats each motion and
commitment, highlights) and the free texts of the beslisnota; every figure comes from the
store. Keys are Dutch because a policy officer writes the file. Validation errors name the
YAML file, the line and the field, in Dutch (:class:`hicmonitor.errors.InputError`).

Texts that betray unfinished work (``TODO``, ``nog invullen``, lorem ipsum …) are refused.
Placeholders a draft may hold for a while (``onbekend``, ``[controleer]``, ``PM``, example
text) are accepted in a ``status: concept`` spec, highlighted in the documents and listed
by ``hic rapport`` (:mod:`hicmonitor.reports.placeholders`); a ``status: definitief`` spec
with any of them is refused and nothing is written.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from hicmonitor.errors import InputError
from hicmonitor.format_nl import amount

KENMERK_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _no_placeholder(v: str) -> str:
    """Reject texts that betray an unfinished value (the catalogue's placeholder patterns).

    The word 'onbekend' alone is the catalogue's honest word for an unknown fact, but in a
    document it is a placeholder like '[controleer]' and 'PM': those are accepted here and
    handled by the concept/definitief check (they are listed, and refused in a final
    document)."""
    from hicmonitor.catalog.vocabulary import vocabulary
    from hicmonitor.reports.placeholders import soft_placeholder

    if vocabulary().is_placeholder(v) and not soft_placeholder(v):
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
    # the short name the memo uses ("MJenV"); default: the function
    afkorting: Tekst | None = None


OPVOLGING = ("afgedaan in deze brief", "voortgang")
ELDERS = "wordt beantwoord in:"


def _opvolging(v: str) -> str:
    text = " ".join(v.split())
    if text in OPVOLGING:
        return text
    if text.lower().startswith(ELDERS) and text[len(ELDERS) :].strip():
        return ELDERS + " " + text[len(ELDERS) :].strip()
    raise ValueError(
        "opvolging is 'afgedaan in deze brief', 'voortgang' of 'wordt beantwoord in: "
        "<de brief waarin het antwoord komt>'"
    )


class MotieOpvolging(_Strict):
    """How this letter treats one motion or commitment of the catalogue."""

    id: str
    opvolging: Annotated[str, AfterValidator(_opvolging)]
    tekst: Tekst | None = None  # what the letter says about it (optional)

    @property
    def elsewhere(self) -> str | None:
        """The letter that will answer it, for 'wordt beantwoord in: …'."""
        if self.opvolging.startswith(ELDERS):
            return self.opvolging[len(ELDERS) :].strip()
        return None


class SignaalKeuze(_Strict):
    """A signal of the early warning (``hic signalen``) the letter names: accepted by the
    policy team. Checked against the figures public on the peildatum when the report is made
    (:mod:`hicmonitor.reports.signals`)."""

    regio: Tekst  # a municipality: code or name
    categorie: Tekst  # woninginbraak, geweld, or a part of geweld (bedreiging, 1.4.4, ...)
    jaar: int | None = Field(default=None, ge=2000, le=2100)  # default: the letter's year
    toelichting: Tekst | None = None  # the letter's own words beside the signal


class NietOpenbaar(_Strict):
    toelichting: Tekst | None = None
    informatie: Tekst | None = None


def _one_or_more(v: Any) -> Any:
    return [v] if isinstance(v, str) else v


class BeslisnotaTeksten(_Strict):
    """The memo: its addressees and annexes (the letter is always its first annex) and its
    free texts; a missing text is generated from data, or is 'Niet van toepassing' where the
    template allows that."""

    aan: Annotated[list[Tekst], BeforeValidator(_one_or_more), Field(min_length=1)] = [
        "De minister van Justitie en Veiligheid"
    ]
    bijlagen: list[Tekst] = []
    aanleiding: Tekst | None = None
    geadviseerd_besluit: Tekst | None = None
    kernpunten: list[Tekst] | None = None  # added to the kernpunten generated from the data
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
    strategie: Tekst | None = None  # replaces the standard paragraph on the HIC strategy
    hoogtepunten: list[Tekst] = []  # the highlights of the year
    caribisch_nederland: Tekst | None = None  # an optional paragraph
    bijlagen: list[Tekst] = []  # the letter's annexes (never the memo)

    @field_validator("bijlagen")
    @classmethod
    def _not_the_memo(cls, v: list[str]) -> list[str]:
        for item in v:
            if re.search(r"(?i)beslisnota|nota aan de minister", item):
                raise ValueError(
                    f"{item!r}: de beslisnota is geen bijlage van de Kamerbrief (de nota "
                    "noemt de brief als bijlage, niet andersom)"
                )
        return v


class ReportSpec(_Strict):
    """One report: the Kamerbrief and its beslisnota for ``jaar``."""

    status: Literal["concept", "definitief"] = "concept"
    jaar: int = Field(ge=2000, le=2100)
    datum: date
    # the figures are those public on this day (default: the date of the letter)
    peildatum: date | None = None
    kenmerk: str
    basisjaar: int | None = Field(default=None, ge=2000, le=2100)
    auteur: Tekst | None = None  # the author in the documents' properties (default: ministry)
    beeldmerk: Tekst | None = None  # the ministry's logo file (PNG/JPEG), relative to the spec
    afzender: Afzender
    ondertekenaars: list[Ondertekenaar] = Field(min_length=1)
    kamerbrief: KamerbriefTeksten
    moties: list[MotieOpvolging] = []
    # the early-warning signals the letter names (only these reach it)
    signalen: list[SignaalKeuze] = []
    beslisnota: BeslisnotaTeksten = BeslisnotaTeksten()
    voorbeeld: bool = False  # an example spec: documents say so in their header
    # where the spec was read from (not a key of the file)
    bron: Path | None = Field(default=None, exclude=True)

    @property
    def as_of(self) -> date:
        """The peildatum: the figures and the catalogue as they stood on this day."""
        return self.peildatum or self.datum

    @property
    def plural(self) -> bool:
        """Two or more signatories: the letter says 'wij', else 'ik'."""
        return len(self.ondertekenaars) > 1

    @field_validator("peildatum")
    @classmethod
    def _peildatum(cls, v: date | None, info: Any) -> date | None:
        datum = info.data.get("datum")
        if v is not None and datum is not None and v > datum:
            raise ValueError(
                f"de peildatum ({v.isoformat()}) ligt na de datum van de brief "
                f"({datum.isoformat()}): een brief kan geen cijfers tonen die er nog niet waren"
            )
        return v

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
    "literal_error": "kies 'concept' of 'definitief'",
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
    if "bijlagen" in data:
        raise InputError(
            file,
            "'bijlagen' staat nu per document: zet de bijlagen van de brief onder "
            "kamerbrief.bijlagen en die van de nota onder beslisnota.bijlagen (de nota noemt "
            "de brief zelf al)",
            line=_node_line(root, ("bijlagen",)),
            field="bijlagen",
        )
    try:
        spec = ReportSpec.model_validate(data)
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
    return spec.model_copy(update={"bron": Path(file)}) if str(file) != "<spec>" else spec


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


def field_lines(text: str) -> dict[str, int]:
    """The line of every value of a spec, by field path (``beslisnota.krachtenveld``,
    ``kamerbrief.hoogtepunten[0]``, ``moties[1].tekst``), for tracing a text to its source."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}

    def walk(node: yaml.Node | None, path: str) -> None:
        if node is None:
            return
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = f"{path}.{k.value}" if path else str(k.value)
                out[key] = (
                    v.start_mark.line + 1
                    if isinstance(v, yaml.ScalarNode)
                    else (k.start_mark.line + 1)
                )
                walk(v, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                key = f"{path}[{i}]"
                out[key] = v.start_mark.line + 1
                walk(v, key)

    walk(root, "")
    return out
