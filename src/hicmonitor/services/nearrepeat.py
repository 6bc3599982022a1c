"""Near repeat and repeat victimisation on incident data (`hic nabijheid`).

Incidents come from a file (read by :mod:`hicmonitor.sources.incidents`) or from the store's
non-public incident table (:mod:`hicmonitor.store.incidents`); the analysis is
:mod:`hicmonitor.analysis.nearrepeat` and :mod:`hicmonitor.analysis.repeat`. Incident data is
never published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hicmonitor import taxonomy
from hicmonitor.analysis import nearrepeat as nr
from hicmonitor.analysis.nearrepeat_report import NOUNS
from hicmonitor.analysis.repeat import RepeatResult, location_keys, repeat_victimisation
from hicmonitor.errors import HicError
from hicmonitor.services import database
from hicmonitor.sources.incidents import IncidentSet, Problem, read_incidents, strptime_format
from hicmonitor.store import incidents as incident_store

METRICS = {"manhattan": "manhattan", "euclidisch": "euclidean", "euclidean": "euclidean"}
FORMATS = ("tabel", "csv", "json")


@dataclass(frozen=True)
class Incidents:
    """Incidents to analyse: the frame, its time resolution and a name for the output."""

    frame: pd.DataFrame
    precision: str
    name: str
    skipped: list[Problem] = field(default_factory=list)  # lines left out of a file
    skipped_lines: int = 0


def parse_edges(text: str, option: str) -> list[float]:
    """Band edges like ``0,100,200,inf`` (``inf``, ``∞``, ``oneindig``: open)."""
    out = []
    for part in text.replace(";", ",").split(","):
        p = part.strip().lower()
        if p in ("inf", "∞", "oneindig"):
            out.append(float("inf"))
            continue
        try:
            out.append(float(p))
        except ValueError:
            raise HicError(
                f"{option}: '{part[:40]}' is geen getal (gebruik bv. 0,100,200,inf)"
            ) from None
    return out


def check_delict(delict: str) -> None:
    if delict not in NOUNS:
        raise HicError(f"--delict: onbekend '{delict[:40]}'; kies uit {', '.join(NOUNS)}")


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise HicError(f"--formaat: onbekend '{fmt[:40]}' (tabel, csv of json)")


def metric(name: str) -> str:
    """The distance metric by its Dutch (or English) name."""
    found = METRICS.get(name)
    if found is None:
        raise HicError(f"--metriek: onbekend '{name[:40]}' (manhattan of euclidisch)")
    return found


def knox_bands(
    distances: str,
    days: str,
    nrc: str | None = None,
    *,
    right_closed: bool = False,
    include_lowest: bool = False,
) -> tuple[nr.Bands, nr.Bands]:
    """(space, time) bands from the options: edges, or the Near Repeat Calculator's form."""
    if nrc is not None:
        parts = parse_edges(nrc, "--nrc")
        if len(parts) != 4 or not all(float(p).is_integer() for p in parts[1::2]):
            raise HicError("--nrc: verwacht 'afstand,aantal,dagen,aantal', bv. 100,3,7,3")
        return nr.nrc_bands(parts[0], int(parts[1]), parts[2], int(parts[3]))
    closed = "right" if right_closed else "left"
    space = nr.bands(
        parse_edges(distances, "--afstanden"), closed=closed, include_lowest=include_lowest
    )
    time = nr.bands(parse_edges(days, "--dagen"), closed=closed, include_lowest=include_lowest)
    return space, time


def check_permutations(permutations: int, space: nr.Bands, time: nr.Bands) -> None:
    """Refuse a number of permutations that is out of range or would not fit in memory
    (call before reading the incidents: fail fast)."""
    nr.check_permutations(permutations, space, time)


def incidents(
    db: Path | None,
    path: Path | None,
    source: int | None,
    *,
    crs: str | None = None,
    skip_invalid: bool = False,
    date_format: str | None = None,
) -> Incidents:
    """The incidents of a file or of a loaded source (exactly one of both).

    ``date_format``: the dates' format as the user writes it (``--datumformaat``, e.g.
    ``mm/dd/jjjj``); only for a file, a loaded source was read when it was loaded."""
    if (path is None) == (source is None):
        raise HicError("geef een incidentbestand of --bron op (één van beide)")
    if path is not None:
        s = read_file(path, crs=crs, skip_invalid=skip_invalid, date_format=date_format)
        return Incidents(s.frame, s.precision, str(path), list(s.skipped), len(s.skipped_lines))
    if date_format:
        raise HicError(
            "--datumformaat geldt bij het lezen van een bestand; een geladen bron (--bron) is al "
            "gelezen (geef het formaat op bij hic nabijheid laad)"
        )
    con = database.open_store(db)
    try:
        st = incident_store.read(con, source)
    finally:
        con.close()
    return Incidents(st.frame, st.precision, f"bron {source} ({st.file_name})")


def knox(
    data: Incidents,
    space: nr.Bands,
    time: nr.Bands,
    *,
    metric: str,
    permutations: int,
    seed: int | None,
    moment: str,
    nrc: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_estimate: Callable[[float], None] | None = None,
) -> nr.KnoxResult:
    """The Knox test on ``data`` (``moment``: begin, midden or eind of a time window).

    ``nrc``: compute as the Near Repeat Calculator does (whole days, single precision).
    ``on_estimate`` is told the expected seconds before a long run starts."""
    t, tpd = nr.event_times(data.frame, data.precision, moment, source=data.name, whole_days=nrc)
    return nr.knox_test(
        data.frame["x"].to_numpy(),
        data.frame["y"].to_numpy(),
        t,
        space,
        time,
        metric=metric,
        nrep=permutations,
        seed=seed,
        ticks_per_day=tpd,
        single_precision=nrc,
        progress=progress,
        on_estimate=on_estimate,
    )


def repeats(data: Incidents, windows: list[int], *, moment: str) -> RepeatResult:
    """Repeat victimisation: the share of locations hit again within each window (days)."""
    t, tpd = nr.event_times(data.frame, data.precision, moment, source=data.name)
    keys, kind = location_keys(data.frame)
    return repeat_victimisation(keys, t, tpd, windows, key=kind)


def crime_code(delict: str | None) -> str | None:
    """The first police crime code of a HIC category (for a file of one kind of incident)."""
    if delict is None:
        return None
    cats = {c.id: c for c in taxonomy.categories()}
    if delict not in cats or not cats[delict].codes:
        raise HicError(f"--delict: onbekend '{delict[:40]}'; kies uit {', '.join(cats)}")
    return cats[delict].codes[0]


def load(
    db: Path | None,
    data: IncidentSet,
    *,
    crime_code: str | None = None,
    wait: float = database.DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
) -> incident_store.Loaded:
    """Store a read incident file in the non-public incident table (one transaction, published
    as a new snapshot; a second load waits up to ``wait`` seconds)."""
    with database.open_writer(db, wait=wait, on_wait=on_wait, embedded=False) as con:
        return incident_store.load(con, data, crime_code=crime_code)


def loaded_sets(db: Path | None) -> pd.DataFrame:
    """The loaded incident files."""
    con = database.open_store(db)
    try:
        return incident_store.sets(con)
    finally:
        con.close()


def read_file(
    path: Path,
    *,
    crs: str | None = None,
    skip_invalid: bool = False,
    date_format: str | None = None,
) -> IncidentSet:
    """Read an incident file (CSV, also .csv.gz) into canonical form; ``date_format`` as the
    user writes it (``dd-mm-jjjj``, ``mm/dd/jjjj``, ...), else detected."""
    fmt = strptime_format(date_format) if date_format else None
    return read_incidents(path, crs=crs, skip_invalid=skip_invalid, date_format=fmt)
