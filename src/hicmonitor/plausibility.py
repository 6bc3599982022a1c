"""Plausibility checks on loads: their settings (``plausibility.yaml``), what they find, and
how a refusal reads.

The checks themselves are set-based SQL inside the load's transaction
(:mod:`hicmonitor.store.plausibility`); this module holds what is not SQL: the thresholds as
data, the :class:`Finding` each check reports, and the Dutch texts. A load that trips a check
is refused with a :class:`PlausibilityError` listing every finding (file, line, field), unless
the user accepts the exceptions (``hic laad --accepteer-afwijkingen``): then they are recorded
with the source and shown by ``hic status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from hicmonitor import format_nl as nl
from hicmonitor import yamlload
from hicmonitor.errors import HicError

CHECK_IDS = (
    "own_history",
    "peers",
    "per_inhabitant",
    "above_national",
    "national_row",
    "abolished_region",
    "no_population",
)
LEVELS = ("land", "landsdeel", "provincie", "politieregio", "gemeente", "wijk", "buurt")
ACCEPT_OPTION = "--accepteer-afwijkingen"


@dataclass(frozen=True)
class CheckSettings:
    id: str
    label: str
    enabled: bool = True
    factor: float | None = None
    minimum: int = 0
    min_points: int = 3
    min_regions: int = 10
    limit: float | None = None
    codes: str = "all"  # hic | all
    levels: tuple[str, ...] = ("land", "landsdeel", "provincie", "politieregio", "gemeente")


@dataclass(frozen=True)
class Settings:
    checks: dict[str, CheckSettings]
    max_listed: int = 20

    def on(self, check: str) -> CheckSettings | None:
        """The settings of ``check`` when it is enabled, else None."""
        found = self.checks.get(check)
        return found if found is not None and found.enabled else None


def parse_settings(doc: dict[str, Any], where: str = "plausibility.yaml") -> Settings:
    """Settings from the YAML document; a mistake is a Dutch error naming the key."""
    if not isinstance(doc, dict) or not isinstance(doc.get("checks"), dict):
        raise HicError(f"{where}: verwacht een sleutel 'checks' met de controles")
    checks = {}
    for key, raw in doc["checks"].items():
        if key not in CHECK_IDS:
            raise HicError(f"{where}: onbekende controle {key!r}; bekend: {', '.join(CHECK_IDS)}")
        raw = dict(raw or {})
        if raw.get("codes", "all") not in ("hic", "all"):
            raise HicError(f"{where}: checks.{key}.codes moet 'hic' of 'all' zijn")
        levels = tuple(raw.pop("levels", CheckSettings.levels))
        unknown = [lv for lv in levels if lv not in LEVELS]
        if unknown:
            raise HicError(f"{where}: checks.{key}.levels: onbekend niveau {unknown[0]!r}")
        try:
            checks[key] = CheckSettings(id=key, levels=levels, **raw)
        except TypeError as exc:
            raise HicError(f"{where}: checks.{key}: {exc}") from None
        for name in ("factor", "limit"):
            value = getattr(checks[key], name)
            if value is not None and value <= 0:
                raise HicError(f"{where}: checks.{key}.{name} moet groter dan 0 zijn")
    return Settings(checks=checks, max_listed=int(doc.get("max_listed", 20)))


@cache
def settings() -> Settings:
    """The checks' settings from the package's ``plausibility.yaml``."""
    text = files("hicmonitor").joinpath("plausibility.yaml").read_text("utf-8")
    return parse_settings(yamlload.safe_load(text))


@dataclass(frozen=True)
class Finding:
    """One implausible figure (or region) of a load."""

    check: str
    message: str  # Dutch, without the place in the file
    region_code: str | None = None
    crime_code: str | None = None
    period: str | None = None  # "2023" or "2023-07"
    value: int | None = None
    field: str | None = None  # the file's column
    line: int | None = None
    key: tuple = ()  # the row's key, to find its line

    def located(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"regel {self.line}")
        if self.field is not None:
            where.append(f"veld '{self.field}'")
        label = settings().checks[self.check].label if self.check in settings().checks else ""
        head = f"{', '.join(where)}: " if where else ""
        return f"{head}{self.message} (controle: {label})" if label else f"{head}{self.message}"


class PlausibilityError(HicError):
    """A load refused because figures in it are implausible; the store is unchanged."""

    def __init__(self, file: str | Path, findings: list[Finding], max_listed: int = 20) -> None:
        self.file = str(file)
        self.findings = findings
        self.max_listed = max_listed
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.findings)
        lines = [
            f"{self.file}: niet geladen: {nl.amount(n, 'afwijking', 'afwijkingen')} bij de "
            "controle op aannemelijkheid:"
        ]
        lines += [f"  {f.located()}" for f in self.findings[: self.max_listed]]
        if n > self.max_listed:
            lines.append(f"  … en nog {nl.number(n - self.max_listed)}")
        lines.append(
            f"Kloppen de cijfers toch, laad het bestand dan opnieuw met {ACCEPT_OPTION}: de "
            "afwijkingen worden dan bij de bron vastgelegd (hic status)."
        )
        return "\n".join(lines)


# --- the Dutch texts of the findings -----------------------------------------------------------


def period_text(period: Any, kind: str) -> str:
    """``2023`` for a year, ``2023-07`` for a month (period is a date)."""
    return f"{period:%Y}" if kind == "jaar" else f"{period:%Y-%m}"


def subject(region: str, region_name: str | None, crime: str | None, label: str | None) -> str:
    place = f"{region_name} ({region})" if region_name else region
    if crime is None:
        return place
    return f"{crime} {label} in {place}" if label else f"{crime} in {place}"


def history_text(what: str, period: str, value: int, reference: float, factor: float) -> str:
    if value > reference:
        return (
            f"{what}, {period}: {nl.number(value)} is meer dan {nl.number(factor)} keer de "
            f"mediaan van de eigen reeks ({nl.number(reference)})"
        )
    return (
        f"{what}, {period}: {nl.number(value)} is minder dan 1/{nl.number(factor)} van de "
        f"mediaan van de eigen reeks ({nl.number(reference)})"
    )


def peers_text(
    what: str, period: str, value: int, rate: float, reference: float, factor: float, n: int | None
) -> str:
    against = (
        f"de mediaan van {nl.number(n)} gemeenten"
        if n is not None
        else "het landelijke cijfer (te weinig andere gemeenten)"
    )
    return (
        f"{what}, {period}: {nl.number(value)} is {nl.number(rate * 1000, 1)} per 1.000 "
        f"inwoners, meer dan {nl.number(factor)} keer {against} "
        f"({nl.number(reference * 1000, 2)} per 1.000)"
    )


def per_inhabitant_text(what: str, period: str, value: int, inhabitants: float) -> str:
    return (
        f"{what}, {period}: {nl.number(value)} is meer dan het aantal inwoners "
        f"({nl.number(inhabitants)})"
    )


def above_national_text(what: str, period: str, value: int, other: int, national: bool) -> str:
    if national:
        return (
            f"{what}, {period}: het landelijke aantal {nl.number(value)} is kleiner dan dat van "
            f"een gemeente ({nl.number(other)})"
        )
    return (
        f"{what}, {period}: {nl.number(value)} is meer dan het landelijke aantal "
        f"({nl.number(other)})"
    )


def national_row_text(what: str, period: str) -> str:
    return (
        f"{what}, {period}: een landelijke rij (NL01) in een bestand met regionale cijfers zou "
        "het landelijke cijfer vervangen; landelijke cijfers horen in het landelijke formaat "
        "(incident_type_code,year,incident_count)"
    )


def abolished_text(place: str, periods: list[str], last: int, story: str | None) -> str:
    when = nl.enumerate_nl(periods[:5]) + (" …" if len(periods) > 5 else "")
    after = f" ({story})" if story else ""
    return f"{place} bestaat na {last} niet meer{after}: cijfers voor {when} kunnen niet kloppen"


def no_population_text(place: str, years: list[int]) -> str:
    shown = nl.enumerate_nl([str(y) for y in years[:8]]) + (" …" if len(years) > 8 else "")
    return (
        f"geen inwonertal voor {place} in {shown}: laad eerst de bevolking van "
        f"{'dat jaar' if len(years) == 1 else 'die jaren'} (zonder inwoners geen cijfer per 1.000)"
    )
