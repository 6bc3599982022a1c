"""Pydantic models of the catalogue: measures and interventions, motions and commitments,
legislative tracks and partners.

Field names are English; the content files use the Dutch aliases (``naam``, ``bronnen`` …),
which are also the names the checker's messages use. Allowed values come from
``vocabulary.yaml``. A fact that is not known is written as the word ``onbekend``; a field
that does not apply is left out.

Only per-field rules live here; rules across fields or items (references, the order of
legislative stages, region codes, placeholders) are in :mod:`hicmonitor.catalog.check`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator

from hicmonitor.catalog.vocabulary import vocabulary
from hicmonitor.errors import HicError
from hicmonitor.taxonomy import categories

UNKNOWN = "onbekend"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_KAMERSTUK = re.compile(r"^\d{5}(?:-[IVXLC]+)?(?:-\d+)?$")
_AGES = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_GM = re.compile(r"^GM\d{4}$")
MIN_YEAR, MAX_YEAR = 1900, 2100


# --- field types ---------------------------------------------------------------------------


def _slug(v: Any) -> str:
    if not isinstance(v, str) or not _SLUG.match(v):
        raise ValueError(
            f"ongeldige id {v!r}: gebruik kleine letters, cijfers en streepjes (zoals 'kapot-sterk')"
        )
    return v


def _year(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not MIN_YEAR <= v <= MAX_YEAR:
        raise ValueError(f"ongeldig jaar {v!r}: verwacht een jaartal als 2023")
    return v


def _year_or_unknown(v: Any) -> int | str:
    if v == UNKNOWN:
        return v
    try:
        return _year(v)
    except ValueError:
        raise ValueError(
            f"ongeldig jaar {v!r}: verwacht een jaartal als 2023 of 'onbekend'"
        ) from None


def _fact_date(v: Any) -> str:
    """A date as precise as known: 'JJJJ', 'JJJJ-MM', 'JJJJ-MM-DD', or 'onbekend'."""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, int) and not isinstance(v, bool) and MIN_YEAR <= v <= MAX_YEAR:
        return str(v)
    if v == UNKNOWN:
        return v
    if isinstance(v, str) and (m := _DATE.match(v)):
        y, mo, d = (int(x) if x else None for x in m.groups())
        try:
            dt.date(y, mo or 1, d or 1)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= y <= MAX_YEAR:
                return v
    raise ValueError(f"ongeldige datum {v!r}: gebruik JJJJ-MM-DD, JJJJ-MM, JJJJ of 'onbekend'")


def _date_key(v: Any) -> str:
    """The key of a dated history: a year, a month or a day ('2021', '2021-06', '2021-06-15'),
    or 'onbekend' for an entry whose date is not known."""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, int) and not isinstance(v, bool) and MIN_YEAR <= v <= MAX_YEAR:
        return str(v)
    if v == UNKNOWN:
        return v
    if isinstance(v, str) and (m := _DATE.match(v)):
        y, mo, d = (int(x) if x else None for x in m.groups())
        try:
            dt.date(y, mo or 1, d or 1)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= y <= MAX_YEAR:
                return v
    raise ValueError(
        f"ongeldig jaar {v!r}: gebruik een jaar (2023), een maand (2023-06), een dag "
        f"(2023-06-15) of '{UNKNOWN}'"
    )


def history_entries(history: Mapping[str, str]) -> list[tuple[str, str]]:
    """A dated history's entries in time order (an undated entry first)."""

    def start(key: str) -> dt.date:
        bounds = date_bounds(key)
        return bounds[0] if bounds else dt.date.min

    return sorted(history.items(), key=lambda kv: start(kv[0]))


def history_on(history: Mapping[str, str], day: dt.date) -> tuple[str, str] | None:
    """The entry in force on ``day``: the last one whose date began on or before it. A date
    given as a year or month counts from its first day; an undated entry counts as the
    earliest."""
    found = None
    for key, value in history_entries(history):
        bounds = date_bounds(key)
        if bounds is None or bounds[0] <= day:
            found = (key, value)
    return found


def date_bounds(value: str) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest day a (partial) date can mean; None for 'onbekend'."""
    if value == UNKNOWN:
        return None
    m = _DATE.match(value)
    if m is None:
        return None
    y, mo, d = (int(x) if x else None for x in m.groups())
    if d is not None:
        day = dt.date(y, mo, d)
        return day, day
    if mo is not None:
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return dt.date(y, mo, 1), nxt - dt.timedelta(days=1)
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def _url(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"ongeldige URL {v!r}: verwacht tekst die begint met https://")
    parts = urlsplit(v)
    host = parts.hostname or ""
    if (
        parts.scheme not in ("http", "https")
        or "." not in host
        or host.startswith(".")
        or host.endswith(".")
        or any(c.isspace() for c in v)
    ):
        raise ValueError(
            f"ongeldige URL {v!r}: verwacht een volledig webadres dat begint met https://"
        )
    return v


def _kamerstuk(v: Any) -> str:
    if v == UNKNOWN:
        return v
    if isinstance(v, str) and _KAMERSTUK.match(v):
        return v
    raise ValueError(
        f"ongeldig kamerstuknummer {v!r}: gebruik 'dossier-nummer' zoals '28684-733', "
        "een dossier zoals '36036', of 'onbekend'"
    )


def _ages(v: Any) -> str:
    if v == UNKNOWN:
        return v
    m = _AGES.match(v) if isinstance(v, str) else None
    if m is None or int(m.group(1)) > int(m.group(2)):
        raise ValueError(f"ongeldige leeftijd {v!r}: gebruik 'van-tot' zoals '12-18' of 'onbekend'")
    return v


def _gm_code(v: Any) -> str:
    if not isinstance(v, str) or not _GM.match(v):
        raise ValueError(f"ongeldige gemeentecode {v!r}: verwacht GM gevolgd door vier cijfers")
    return v


def _one_of(choices: Callable[[], Iterable[str]], what: str) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        allowed = tuple(choices())
        if v not in allowed:
            raise ValueError(f"{what} {v!r}; kies uit: {', '.join(repr(a) for a in allowed)}")
        return v

    return check


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"verwacht tekst, niet {v!r}")
    if not v.strip():
        raise ValueError("mag niet leeg zijn")
    return v


Text = Annotated[str, PlainValidator(_text)]
DateKey = Annotated[str, PlainValidator(_date_key)]
Slug = Annotated[str, PlainValidator(_slug)]
Year = Annotated[int, PlainValidator(_year)]
YearOrUnknown = Annotated[int | str, PlainValidator(_year_or_unknown)]
FactDate = Annotated[str, PlainValidator(_fact_date)]
Url = Annotated[str, PlainValidator(_url)]
Kamerstuk = Annotated[str, PlainValidator(_kamerstuk)]
Ages = Annotated[str, PlainValidator(_ages)]
GmCode = Annotated[str, PlainValidator(_gm_code)]
Approach = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().approach_ids, "onbekende aanpak"))
]
Character = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().character_ids, "onbekend karakter"))
]
Category = Annotated[
    str, AfterValidator(_one_of(lambda: (c.id for c in categories()), "onbekende HIC-categorie"))
]
MeasureStatus = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().measure_statuses, "onbekende status"))
]
EvidenceLevel = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().evidence_levels, "onbekend erkenningsniveau"))
]
MotionKind = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().motion_kinds, "onbekende soort"))
]
MotionStatus = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().motion_statuses, "onbekende status"))
]
LetterGroup = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().letter_group_ids, "onbekende brieflijn"))
]
Stage = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().legislative_stages, "onbekende fase"))
]
Sector = Annotated[
    str, AfterValidator(_one_of(lambda: vocabulary().partner_sectors, "onbekende sector"))
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


# --- measures ------------------------------------------------------------------------------


class TargetGroup(_Model):
    ages: Ages | None = Field(None, alias="leeftijd")
    group: Text = Field(alias="groep")


class Municipality(_Model):
    """A municipality where a measure runs, from a year (and until a year, if it stopped)."""

    code: GmCode
    name: Text = Field(alias="naam")
    since: YearOrUnknown = Field(alias="vanaf")
    until: Year | None = Field(None, alias="tot")
    note: Text | None = Field(None, alias="toelichting")


class Evidence(_Model):
    """Where a measure stands in the Dutch recognition system."""

    level: EvidenceLevel = Field(alias="niveau")
    provisional: bool = Field(False, alias="onder_voorbehoud")
    body: Text | None = Field(None, alias="instantie")
    date: FactDate | None = Field(None, alias="datum")
    note: Text | None = Field(None, alias="toelichting")

    @property
    def rank(self) -> int:
        return vocabulary().evidence_rank[self.level]

    @property
    def label(self) -> str:
        return self.level + (" (onder voorbehoud)" if self.provisional else "")


class Study(_Model):
    title: Text = Field(alias="titel")
    by: Text | None = Field(None, alias="uitvoerder")
    year: YearOrUnknown = Field(alias="jaar")
    finding: Text = Field(alias="bevinding")
    source: Url | None = Field(None, alias="bron")


class Measure(_Model):
    """A measure or intervention of the HIC approach."""

    id: Slug
    name: Text = Field(alias="naam")
    description: Text = Field(alias="omschrijving")
    approaches: list[Approach] = Field(alias="aanpak", min_length=1)
    character: list[Character] = Field(alias="karakter", min_length=1)
    categories: list[Category] = Field(alias="categorieen")
    target_group: TargetGroup = Field(alias="doelgroep")
    owners: list[Slug] = Field(alias="eigenaar", min_length=1)
    partners: list[Slug] = Field(default_factory=list, alias="partners")
    status: dict[DateKey, MeasureStatus] = Field(alias="status", min_length=1)
    municipalities: list[Municipality] = Field(default_factory=list, alias="gemeenten")
    evidence: Evidence = Field(alias="erkenning")
    studies: list[Study] = Field(default_factory=list, alias="onderzoeken")
    note: Text | None = Field(None, alias="toelichting")
    sources: list[Url] = Field(alias="bronnen", min_length=1)
    # the group of the progress letter this measure belongs to (vocabulary 'letter_groups');
    # without it the group follows from approach and character (the vocabulary's rules)
    letter_group: LetterGroup | None = Field(None, alias="brieflijn")

    def status_on(self, day: dt.date) -> str | None:
        """The status in force on ``day`` (the status history; a year counts from 1 January)."""
        entry = history_on(self.status, day)
        return entry[1] if entry else None

    def status_since(self, day: dt.date) -> str | None:
        """The date (as written) of the status in force on ``day``."""
        entry = history_on(self.status, day)
        return entry[0] if entry else None

    def status_in(self, year: int) -> str | None:
        """The status in force in ``year``: the latest one set in or before it."""
        return self.status_on(dt.date(year, 12, 31))

    @property
    def latest_status(self) -> tuple[str, str]:
        """(date, status) of the last entry of the history."""
        return history_entries(self.status)[-1]

    def runs_in(self, year: int) -> bool:
        status = self.status_in(year)
        return status is not None and status != "beëindigd"


# --- motions and commitments ---------------------------------------------------------------


class Answer(_Model):
    """How a report year's progress letter answered a motion or commitment (one per year)."""

    year: Year = Field(alias="jaar")
    document: Kamerstuk = Field(alias="kamerstuk")
    how: Text = Field(alias="wijze")


def _motion_status(v: Any) -> dict[str, str]:
    """A motion's status: one status ('afgedaan'; its date not known) or a history
    ``{2023-03-20: open, 2024-06-05: afgedaan}``."""
    allowed = vocabulary().motion_statuses

    def one(value: Any) -> str:
        if value not in allowed:
            raise ValueError(
                f"onbekende status {value!r}; kies uit: {', '.join(repr(a) for a in allowed)}"
            )
        return value

    if isinstance(v, str):
        return {UNKNOWN: one(v)}
    if isinstance(v, dict) and v:
        return {_date_key(k): one(x) for k, x in v.items()}
    raise ValueError(
        "verwacht een status (zoals 'open') of een lijst datum: status (zoals 2023-03-20: open)"
    )


MotionStatusHistory = Annotated[dict[str, str], PlainValidator(_motion_status)]


class Motion(_Model):
    """A parliamentary motion (motie) or a commitment by the minister (toezegging)."""

    id: Slug
    kind: MotionKind = Field(alias="soort")
    title: Text = Field(alias="titel")
    kamerstuk: Kamerstuk
    submitters: list[Text] = Field(alias="indieners", min_length=1)
    date: FactDate = Field(alias="datum")
    summary: Text = Field(alias="samenvatting")
    status: MotionStatusHistory
    note: Text | None = Field(None, alias="toelichting")
    answers: list[Answer] = Field(default_factory=list, alias="beantwoord_in")
    measures: list[Slug] = Field(default_factory=list, alias="maatregelen")
    sources: list[Url] = Field(alias="bronnen", min_length=1)

    def answer_in(self, year: int) -> Answer | None:
        """The answer given in the progress letter of ``year``, if any."""
        return next((a for a in self.answers if a.year == year), None)

    @property
    def current_status(self) -> str:
        """The last status of the history."""
        return history_entries(self.status)[-1][1]

    def status_on(self, day: dt.date) -> str:
        """The status on ``day`` ('onbekend' before the first known one)."""
        entry = history_on(self.status, day)
        return entry[1] if entry else UNKNOWN


# --- legislation ---------------------------------------------------------------------------


class StageEntry(_Model):
    stage: Stage = Field(alias="fase")
    date: FactDate = Field(alias="datum")
    note: Text | None = Field(None, alias="toelichting")


class LegislativeTrack(_Model):
    """A legislative track: a bill, a decree or a regulation, and the stages it went through."""

    id: Slug
    name: Text = Field(alias="naam")
    description: Text = Field(alias="omschrijving")
    kamerstuk: Kamerstuk
    articles: list[Text] = Field(default_factory=list, alias="artikelen")
    stages: list[StageEntry] = Field(alias="fases")
    note: Text | None = Field(None, alias="toelichting")
    measures: list[Slug] = Field(default_factory=list, alias="maatregelen")
    sources: list[Url] = Field(alias="bronnen", min_length=1)

    @property
    def latest_stage(self) -> StageEntry | None:
        """The last stage reached (stages are kept in order by the checker)."""
        return self.stages[-1] if self.stages else None

    def stage_on(self, day: dt.date) -> StageEntry | None:
        """The last stage reached on ``day``. A stage whose date is not known counts as
        reached when a later stage with a date is. A stage dated only by year or month
        counts from the first day of it, but never before the stage before it: it follows
        that stage by at least a day."""
        last = -1
        previous: dt.date | None = None
        for i, entry in enumerate(self.stages):
            bounds = date_bounds(entry.date)
            if bounds is None:
                continue
            start = bounds[0]
            if previous is not None and start <= previous and bounds[0] != bounds[1]:
                start = previous + dt.timedelta(days=1)
            previous = max(start, previous) if previous else start
            if start <= day:
                last = i
        return self.stages[last] if last >= 0 else None

    def started_by(self, day: dt.date) -> bool:
        """Whether the track existed on ``day``: a stage reached by then, or no dated stage
        at all (a track whose stages are not known is taken to exist)."""
        dated = [date_bounds(s.date) for s in self.stages]
        dated = [b for b in dated if b is not None]
        return not dated or dated[0][0] <= day


# --- partners ------------------------------------------------------------------------------


class Role(_Model):
    role: Text = Field(alias="rol")
    measure: Slug | None = Field(None, alias="maatregel")
    period: Text | None = Field(None, alias="periode")


class Partner(_Model):
    """An organisation that takes part in the approach."""

    id: Slug
    organisation: Text = Field(alias="organisatie")
    sector: Sector
    roles: list[Role] = Field(alias="rollen", min_length=1)
    sources: list[Url] = Field(alias="bronnen", min_length=1)


# --- the catalogue -------------------------------------------------------------------------

KINDS: dict[str, type[_Model]] = {
    "maatregelen": Measure,
    "moties": Motion,
    "wetgeving": LegislativeTrack,
    "partners": Partner,
}


@dataclass(frozen=True)
class Catalog:
    """All content items, each kind in id order."""

    measures: tuple[Measure, ...] = ()
    motions: tuple[Motion, ...] = ()
    legislation: tuple[LegislativeTrack, ...] = ()
    partners: tuple[Partner, ...] = ()
    root: Path | None = None
    files: dict[tuple[str, str], Path] = field(default_factory=dict)  # (kind, id) -> file

    def measure(self, item_id: str) -> Measure:
        return _by_id(self.measures, item_id, "maatregel")

    def motion(self, item_id: str) -> Motion:
        return _by_id(self.motions, item_id, "motie of toezegging")

    def track(self, item_id: str) -> LegislativeTrack:
        return _by_id(self.legislation, item_id, "wetgevingstraject")

    def partner(self, item_id: str) -> Partner:
        return _by_id(self.partners, item_id, "partner")


def _by_id(items: tuple[Any, ...], item_id: str, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise HicError(f"onbekende {what} {item_id!r}")
