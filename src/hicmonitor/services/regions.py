"""Finding the region a user means, and the inhabitants of a region on today's boundaries.

One resolver for every place a region is accepted (``hic cijfers``, ``trend``, ``vergelijk``,
``maatregelen --gemeente``, the municipality profile, the web): by code, official name, a name
people use ("Den Haag", "Den Bosch") or a former name ("Heerhugowaard" -> Dijk en Waard, with a
note naming the change). An unknown region is an error with the closest matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from hicmonitor import store
from hicmonitor.errors import HicError
from hicmonitor.regions import (
    NATIONAL,
    UNKNOWN_MUNICIPALITY,
    RegionMatch,
    find_region,
    level_of,
)

__all__ = ["RegionMatch", "resolve_municipality", "resolve_region"]


def resolve_region(con: duckdb.DuckDBPyConnection, text: str) -> RegionMatch:
    """The region meant by ``text`` (see :func:`hicmonitor.regions.find_region`)."""
    return find_region(
        text,
        store.region_rows(con),
        names=store.region_names(con),
        changes=store.region_changes(con),
        has_data=lambda code: store.has_counts(con, code),
    )


def resolve_municipality(con: duckdb.DuckDBPyConnection, text: str) -> RegionMatch:
    """Like :func:`resolve_region`, for a municipality only (not NL01, not "unknown")."""
    match = resolve_region(con, text)
    if level_of(match.code) != "gemeente" or match.code == UNKNOWN_MUNICIPALITY:
        raise HicError(f"{match.name} ({match.code}) is geen gemeente; geef een gemeente")
    return match


@dataclass(frozen=True)
class PopulationBasis:
    """How the inhabitants of a region were counted, for the note beside its rates."""

    frame: pd.DataFrame  # region_code, year, inhabitants (on today's boundaries)
    note: str | None  # Dutch: which years include former municipalities, or None


NATIONAL_POPULATION_NOTE = "Inwoners van Nederland: de som van alle gemeenten in dat jaar."


def region_population(
    con: duckdb.DuckDBPyConnection, code: str, *, as_of: dt.date | None = None
) -> PopulationBasis:
    """The inhabitants of ``code`` per year on today's boundaries, with the method stated.

    A municipality formed by a merger counts, for the years before, the inhabitants of the
    municipalities it was formed from (a split municipality for its estimated share), so its
    rate per 1,000 is on today's boundaries, as its counts are. NL01: the sum of all
    municipalities when the store holds no national figure. ``as_of``: only the years whose
    population was public on that day.
    """
    if code == NATIONAL:
        frame = store.population(con, regions=[NATIONAL], as_of=as_of)
        if frame.empty:
            return PopulationBasis(
                national_population(store.population(con, as_of=as_of)), NATIONAL_POPULATION_NOTE
            )
        return PopulationBasis(frame, None)
    frame = store.boundary_population(con, regions=[code])
    if as_of is not None:
        public = set(store.population(con, as_of=as_of)["year"])
        frame = frame[frame["year"].isin(public)]
    derived = frame[frame["derived"].fillna(False).astype(bool)]
    note = None
    if not derived.empty:
        changes = store.region_changes(con)
        names = {c.old_code: c.old_name for c in changes}
        own = next((n for c, n, _, _ in store.region_rows(con) if c == code), None) or code
        note = boundary_text(own, derived, names)
    return PopulationBasis(frame[["region_code", "year", "inhabitants"]], note)


def national_population(population: pd.DataFrame) -> pd.DataFrame:
    """NL01 per year as the sum of all municipalities (each on the boundaries of its year)."""
    gm = population[
        population["region_code"].str.startswith("GM")
        & (population["region_code"] != UNKNOWN_MUNICIPALITY)
    ]
    nat = gm.groupby("year", as_index=False)["inhabitants"].sum()
    nat["region_code"] = NATIONAL
    return nat[["region_code", "year", "inhabitants"]]


def boundary_text(name: str, derived: pd.DataFrame, names: dict[str, str]) -> str | None:
    """Dutch: the years in which a municipality's inhabitants include former municipalities.

    ``derived``: its rows of ``store.boundary_population`` that include others (``parts``,
    of which ``estimated`` were split over several municipalities).
    """
    from hicmonitor.format_nl import enumerate_nl

    if derived.empty:
        return None
    parts = sorted({p for ps in derived["parts"] for p in list(ps)})
    estimated = {p for ps in derived.get("estimated", []) for p in list(ps)}
    shown = [names.get(p, p) + (" (een geschat deel)" if p in estimated else "") for p in parts]
    years = sorted(int(y) for y in derived["year"])
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return (
        f"Inwoners {span}: {name} op de grenzen van nu, dus met de inwoners van "
        f"{enumerate_nl(shown)} (gemeentelijke herindeling), zodat het cijfer per 1.000 "
        "inwoners bij de cijfers op de huidige grenzen past."
    )
