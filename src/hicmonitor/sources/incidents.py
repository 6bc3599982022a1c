"""Reader for incident files (one row per incident, with coordinates and a date) -> one frame.

Accepted layouts (the column names are data, see ``COLUMNS``):

* a header with ``x``/``y`` in metres of a projected CRS (RD New, EPSG:28992, or any other
  metric CRS given with ``crs=``), e.g. the Chicago file (``x,y,date_single``, dd/mm/yyyy);
* a header with ``longitude``/``latitude`` (WGS84): projected with pyproj to a metric CRS (RD New
  for points in the Netherlands, otherwise the local UTM zone), e.g. Cincinnati
  (``incident_no,offense_date,...``, date-times, several rows per incident) and police.uk
  (``month,...``, month resolution only);
* no header: ``X,Y,date`` (the example data of the R package NearRepeat).

Optional columns: an incident id (duplicate ids are merged, first valid row kept), a time window
(``van``/``tot``), a location id (for repeat victimisation) and a crime code. A ``.gz`` file is
read transparently.

Bad values (a missing or unparsable coordinate or date, a window that ends before it starts)
are collected per line; without ``skip_invalid`` the first one raises an ``InputError`` that
names the file, line and field and says how many lines are affected; with it they are skipped
and reported in ``IncidentSet.skipped``. Coordinates that look like degrees where metres are
expected, or that fall outside the area of use of the given CRS, are refused.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from hicmonitor.errors import InputError

if TYPE_CHECKING:  # pyproj is imported where a CRS is needed: most files never need it
    from pyproj import CRS

Precision = Literal["maand", "dag", "tijd"]

#: Accepted column names per canonical field (lower case), most specific first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "incident_id", "incident_no", "incidentnummer", "registratienummer", "nummer"),
    "x": ("x", "x_rd", "rd_x", "x_coordinaat"),
    "y": ("y", "y_rd", "rd_y", "y_coordinaat"),
    "lon": ("longitude", "lon", "lng", "lengtegraad"),
    "lat": ("latitude", "lat", "breedtegraad"),
    "date": ("date", "date_single", "datum", "offense_date", "pleegdatum", "datetime", "tijdstip"),
    "month": ("month", "maand"),
    "from": ("date_from", "datum_van", "van", "begin", "pleegdatum_van", "start"),
    "to": ("date_to", "datum_tot", "tot", "eind", "pleegdatum_tot", "end"),
    "location": ("location_id", "locatie_id", "adres_id", "address_id", "locatie"),
    "crime_code": ("crime_code", "misdrijfcode", "soort_misdrijf", "code"),
}

#: Date formats tried per column, in order of preference (dd/mm before mm/dd: Dutch users).
DATE_FORMATS: tuple[tuple[str, bool], ...] = (
    ("%Y-%m-%d", False),
    ("%d-%m-%Y", False),
    ("%d/%m/%Y", False),
    ("%m/%d/%Y", False),
    ("%Y-%m-%d %H:%M:%S", True),
    ("%Y-%m-%d %H:%M", True),
    ("%Y-%m-%dT%H:%M:%SZ", True),
    ("%Y-%m-%dT%H:%M:%S", True),
    ("%Y-%m-%dT%H:%M", True),
    ("%d-%m-%Y %H:%M:%S", True),
    ("%d-%m-%Y %H:%M", True),
    ("%d/%m/%Y %H:%M:%S", True),
    ("%d/%m/%Y %H:%M", True),
    ("%m/%d/%Y %H:%M:%S", True),
    ("%m/%d/%Y %H:%M", True),
)
MONTH_FORMATS = ("%Y-%m-%d", "%Y-%m", "%m-%Y", "%Y/%m")

NL_LONLAT = (3.2, 50.7, 7.3, 53.7)  # west, south, east, north: RD New for points inside
MISSING = {"", "na", "nan", "null", "none", "n/a", "-"}

FRAME_COLUMNS = ["id", "x", "y", "t_from", "t_to", "location_id", "crime_code", "line"]


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str


@dataclass
class IncidentSet:
    """Incidents of one file in canonical form (x/y in metres of ``crs``)."""

    path: Path
    frame: pd.DataFrame  # FRAME_COLUMNS
    crs: str
    precision: Precision
    layout: str
    rows_read: int
    skipped: list[Problem] = field(default_factory=list)
    duplicates: int = 0
    projected_from: str | None = None

    @property
    def skipped_lines(self) -> list[int]:
        """The lines that were skipped (each once)."""
        return sorted({p.line for p in self.skipped})


# --------------------------------------------------------------------------------------------
# raw rows


def _open_text(path: Path) -> io.TextIOBase:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except OSError as exc:
            raise InputError(path, f"geen geldig gzip-bestand ({exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            path, "het bestand is niet in UTF-8 gecodeerd; sla het op als 'CSV UTF-8'", line=line
        ) from None
    return io.StringIO(text, newline="")


def _read_rows(path: Path) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """Header (None when the file has none) and (line, fields) of every data row."""
    if not path.exists():
        raise InputError(path, "bestand bestaat niet")
    if path.is_dir():
        raise InputError(path, "dit is een map, geen bestand")
    fh = _open_text(path)
    sample = fh.read(4096)
    fh.seek(0)
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(fh, delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            line = start
            start = reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            rows.append((line, [f.strip() for f in fields]))
    except csv.Error as exc:
        limit = csv.field_size_limit()
        what = (
            f"een veld is langer dan {limit // 1024} kB (een aanhalingsteken dat niet wordt "
            "gesloten, of geen incidentbestand)"
            if "field limit" in str(exc)
            else f"de regel is geen geldige CSV ({exc})"
        )
        raise InputError(path, what, line=start) from None
    if not rows:
        raise InputError(path, "het bestand is leeg", line=1)
    first = rows[0][1]
    if _is_number(first[0]) and len(first) > 1 and _is_number(first[1]):
        return None, rows
    return [c.lower() for c in first], rows[1:]


def _is_number(s: str) -> bool:
    try:
        float(s.replace(",", ".") if s.count(",") == 1 and "." not in s else s)
    except ValueError:
        return False
    return True


def _pick(header: list[str], name: str) -> int | None:
    for alias in COLUMNS[name]:
        if alias in header:
            return header.index(alias)
    return None


# --------------------------------------------------------------------------------------------
# value parsing


def _numbers(values: list[str]) -> np.ndarray:
    """Float per value, NaN where missing or unparsable (a single decimal comma is accepted)."""
    s = pd.Series(values, dtype="string")
    comma = s.str.count(",").eq(1) & ~s.str.contains(".", regex=False)
    s = s.where(~comma, s.str.replace(",", ".", regex=False))
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _date_part(fmt: str) -> str:
    return fmt.split(" ")[0].split("T")[0]


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _day_month_order(fmt: str) -> bool:
    """The date part has a day and a month and does not start with the year (dd/mm, mm/dd)."""
    part = _date_part(fmt)
    return "%d" in part and "%m" in part and not part.startswith("%Y")


@dataclass(frozen=True)
class Ambiguity:
    """Both day-month orders read every date of a column, with different results."""

    index: int  # the first value read differently
    value: str
    chosen: str  # the format detection would pick
    other: str  # the same format with day and month swapped


def _parse_one_order(s: pd.Series, formats) -> tuple[pd.Series, bool]:
    """The first format, then the others (same date order) for the values it cannot read."""
    best = pd.to_datetime(s, format=formats[0][0], errors="coerce")
    has_time = bool(formats[0][1]) and bool(best.notna().any())
    for fmt, fmt_time in formats[1:]:
        if best.notna().all():
            break
        more = pd.to_datetime(s.where(best.isna()), format=fmt, errors="coerce")
        if more.notna().any():
            has_time = has_time or bool(fmt_time)
            best = best.fillna(more)
    return best, has_time


def _parse_dates(values: list[str], formats) -> tuple[np.ndarray, bool, Ambiguity | None]:
    """Datetime per value (NaT where unparsable), whether any value had a time of day, and an
    ``Ambiguity`` when day and month could be either way round.

    The format that parses most values wins; values it cannot parse get a second chance with
    the formats that share its date order (a column may mix ``05-03-2024`` and
    ``01-03-2024 08:00``), never with another date order. When several formats are tried and
    the winner's order also occurs the other way round among them (``dd/mm/yyyy`` and
    ``mm/dd/yyyy``; ``dd-mm-yyyy`` is Dutch and always day first), the column is read with day
    and month swapped as well: if that reads every date too and gives other dates (every day
    is at most 12), the column is ambiguous.
    """
    s = pd.Series(values, dtype="string")
    best_ok, best_fmt = -1, formats[0]
    for fmt in formats:
        ok = int(pd.to_datetime(s, format=fmt[0], errors="coerce").notna().sum())
        if ok > best_ok:
            best_ok, best_fmt = ok, fmt
        if ok == len(values):
            break
    order = [best_fmt] + [
        f for f in formats if f[0] != best_fmt[0] and _date_part(f[0]) == _date_part(best_fmt[0])
    ]
    best, has_time = _parse_one_order(s, order)
    ambiguity = None
    candidates = {f for f, _ in formats}
    if (
        len(formats) > 1
        and best_ok > 0
        and _day_month_order(best_fmt[0])
        and _swap_day_month(best_fmt[0]) in candidates  # both orders are in use (dd/mm, mm/dd)
    ):
        swapped, _ = _parse_one_order(s, [(_swap_day_month(f), t) for f, t in order])
        if not (best.notna() & swapped.isna()).any():  # the swapped order reads them all
            both = (best.notna() & (swapped != best)).fillna(False)
            differ = np.flatnonzero(both.to_numpy(dtype=bool))
            if len(differ):
                k = int(differ[0])
                ambiguity = Ambiguity(k, values[k], best_fmt[0], _swap_day_month(best_fmt[0]))
    return best.to_numpy(dtype="datetime64[s]"), bool(has_time), ambiguity


#: Tokens of a user's date pattern (Dutch and English) and their strptime codes.
_DATE_TOKENS = {"jjjj": "%Y", "yyyy": "%Y", "jj": "%y", "yy": "%y", "dd": "%d", "mm": "%m"}
_TIME_TOKENS = {"uu": "%H", "hh": "%H", "mm": "%M", "ss": "%S"}


def strptime_format(text: str) -> str:
    """The strptime format of a date pattern as a user writes it.

    Dutch or English tokens: ``dd-mm-jjjj``, ``mm/dd/jjjj``, ``jjjj-mm-dd``, ``dd/mm/yyyy``, with
    an optional time after a space or ``T``: ``uu:mm`` or ``uu:mm:ss`` (``hh`` for hours also
    works). A strptime format itself (``%m/%d/%Y``) is taken as it is. Raises ``HicError`` with
    examples for anything else.
    """
    import re

    from hicmonitor.errors import HicError

    raw = text.strip()
    examples = "bv. dd-mm-jjjj, mm/dd/jjjj, jjjj-mm-dd of dd-mm-jjjj uu:mm"
    if "%" in raw:
        if "%d" not in raw and "%m" not in raw and "%Y" not in raw:
            raise HicError(f"--datumformaat: '{text[:60]}' is geen datumformaat ({examples})")
        return raw
    # no token contains a "t": a "t" can only separate the date from the time (ISO)
    m = re.fullmatch(r"(?P<date>[^\st]+)(?:(?P<sep>[\st]+)(?P<time>\S+))?", raw.lower())
    if m is None:
        raise HicError(f"--datumformaat: '{text[:60]}' is geen datumformaat ({examples})")

    def translate(part: str, tokens: dict[str, str]) -> str:
        out, i = "", 0
        while i < len(part):
            for tok in sorted(tokens, key=len, reverse=True):
                if part.startswith(tok, i):
                    out += tokens[tok]
                    i += len(tok)
                    break
            else:
                if part[i] not in "-/.:":
                    raise HicError(
                        f"--datumformaat: '{text[:60]}' bevat '{part[i]}', dat is geen deel van "
                        f"een datumformaat ({examples})"
                    )
                out += part[i]
                i += 1
        return out

    date = translate(m["date"], _DATE_TOKENS)
    if not ("%m" in date and ("%Y" in date or "%y" in date)):
        raise HicError(
            f"--datumformaat: '{text[:60]}' moet een maand (mm) en jaar (jjjj) bevatten, en "
            f"voor datums een dag (dd) ({examples})"
        )
    if date.count("%d") > 1 or date.count("%m") > 1 or date.count("%Y") + date.count("%y") > 1:
        raise HicError(f"--datumformaat: '{text[:60]}' noemt dag, maand of jaar twee keer")
    if m["time"] is None:
        return date
    time = translate(m["time"], _TIME_TOKENS)
    if not time.startswith("%H"):
        raise HicError(f"--datumformaat: de tijd in '{text[:60]}' begint met uu ({examples})")
    return date + ("T" if "t" in m["sep"] else " ") + time


def _missing(values: list[str]) -> np.ndarray:
    return np.array([v.strip().lower() in MISSING for v in values], dtype=bool)


# --------------------------------------------------------------------------------------------
# coordinates


def _metric_crs(crs: CRS, path: Path) -> None:
    if not crs.is_projected:
        raise InputError(path, f"{crs.to_string()} is geen geprojecteerd coördinatenstelsel")
    units = {a.unit_name for a in crs.axis_info}
    if not units <= {"metre", "meter"}:
        raise InputError(
            path,
            f"{crs.to_string()} rekent in {', '.join(sorted(units))}, niet in meters; "
            "afstandsbanden moeten in meters zijn",
        )


def _utm_for(lon: np.ndarray, lat: np.ndarray) -> CRS:
    """The WGS84 UTM zone of the median point."""
    from pyproj import CRS

    zone = min(int((float(np.median(lon)) + 180) // 6) + 1, 60)
    return CRS.from_epsg((32600 if float(np.median(lat)) >= 0 else 32700) + zone)


def _target_crs(lon: np.ndarray, lat: np.ndarray, crs: str | None, path: Path) -> CRS:
    if crs is not None:
        target = _crs(crs, path)
        _metric_crs(target, path)
        return target
    from pyproj import CRS

    w, s, e, n = NL_LONLAT
    if lon.size and lon.min() >= w and lon.max() <= e and lat.min() >= s and lat.max() <= n:
        return CRS.from_epsg(28992)
    return _utm_for(lon, lat)


def _crs(text: str, path: Path) -> CRS:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise InputError(path, f"onbekend coördinatenstelsel {text!r} ({exc})") from None


def _check_in_area(x: np.ndarray, y: np.ndarray, lines: np.ndarray, crs: CRS, path: Path):
    """Refuse metre coordinates outside the area of use of their CRS."""
    from pyproj import Transformer

    area = crs.area_of_use
    if area is None or x.size == 0:
        return
    lon, lat = Transformer.from_crs(crs, 4326, always_xy=True).transform(x, y)
    margin = 1.0  # degrees
    bad = ~(
        np.isfinite(lon)
        & np.isfinite(lat)
        & (lon >= area.west - margin)
        & (lon <= area.east + margin)
        & (lat >= area.south - margin)
        & (lat <= area.north + margin)
    )
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(
            path,
            f"coördinaat ({x[k]:g}, {y[k]:g}) ligt buiten het gebied van {crs.name} "
            f"({area.name}); {int(bad.sum())} van de {x.size} punten. Zijn het graden "
            "(lengte/breedte)? Noem de kolommen dan longitude/latitude.",
            line=int(lines[k]),
            field="x",
        )


def _refuse_degrees_as_metres(x: np.ndarray, y: np.ndarray, lines, path: Path) -> None:
    if x.size and np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90):
        raise InputError(
            path,
            "de x/y-waarden liggen allemaal tussen -180 en 180 / -90 en 90: dat zijn "
            "waarschijnlijk graden (lengte/breedte), geen meters. Noem de kolommen "
            "longitude/latitude, of geef het stelsel op met --crs EPSG:4326",
            line=int(lines[0]),
            field="x",
        )


def _pattern(fmt: str) -> str:
    """A strptime format as the user would write it for --datumformaat (dd/mm/jjjj uu:mm)."""
    out = fmt
    for code, tok in (("%Y", "jjjj"), ("%y", "jj"), ("%d", "dd"), ("%H", "uu"), ("%S", "ss")):
        out = out.replace(code, tok)
    return out.replace("%m", "mm").replace("%M", "mm").replace("Z", "")


def _refuse_ambiguity(path: Path, amb: Ambiguity | None, column: str, lines: np.ndarray) -> None:
    if amb is None:
        return
    day_first = amb.chosen.index("%d") < amb.chosen.index("%m")
    dmy, mdy = (amb.chosen, amb.other) if day_first else (amb.other, amb.chosen)
    d1 = pd.to_datetime(amb.value, format=dmy)
    d2 = pd.to_datetime(amb.value, format=mdy)
    months = (
        "januari februari maart april mei juni juli augustus september oktober november december"
    )
    name = months.split()
    raise InputError(
        path,
        f"de datums zijn dubbelzinnig: in elke datum is de dag hoogstens 12, dus '{amb.value}' kan "
        f"{d1.day} {name[d1.month - 1]} {d1.year} zijn (dag eerst) of {d2.day} "
        f"{name[d2.month - 1]} {d2.year} (maand eerst, Amerikaans). Geef het formaat op met "
        f"--datumformaat {_pattern(_date_part(dmy))} of --datumformaat "
        f"{_pattern(_date_part(mdy))}",
        line=int(lines[amb.index]),
        field=column,
    )


# --------------------------------------------------------------------------------------------
# the reader


def read_incidents(
    path: str | Path,
    *,
    crs: str | None = None,
    skip_invalid: bool = False,
    date_format: str | None = None,
) -> IncidentSet:
    """Read one incident file into canonical form (see the module docstring).

    ``crs``: for x/y columns, their CRS (must be metric, e.g. ``EPSG:28992``; ``EPSG:4326``
    means the x/y are lon/lat); for lon/lat columns, the metric CRS to project to (default RD
    New inside the Netherlands, else the UTM zone). ``date_format``: a strptime format that
    overrides the detection (e.g. ``%m/%d/%Y``).
    """
    path = Path(path)
    header, rows = _read_rows(path)
    lines = np.array([r[0] for r in rows], dtype=np.int64)
    if header is None:
        names = ["x", "y", "date"]
        width = len(rows[0][1]) if rows else 3
        if width < 3:
            raise InputError(path, "zonder kopregel verwacht: X, Y, datum", line=1)
        col = {"x": 0, "y": 1, "date": 2}
        layout = "x,y,datum (zonder kopregel)"
    else:
        col = {k: i for k in COLUMNS if (i := _pick(header, k)) is not None}
        names = header
        layout = ",".join(header)
    ncols = len(names) if header is not None else len(rows[0][1])
    for line, fields in rows:
        if len(fields) != ncols:
            raise InputError(path, f"{len(fields)} velden gevonden, {ncols} verwacht", line=line)

    def column(key: str) -> list[str]:
        return [r[1][col[key]] for r in rows]

    def colname(key: str) -> str:
        return names[col[key]] if header is not None else key

    problems: list[tuple[int, Problem]] = []  # (row index, problem)

    # --- time
    if "month" in col and not any(k in col for k in ("date", "from")):
        precision: Precision = "maand"
        raw = column("month")
        fmts = [(date_format, False)] if date_format else [(f, False) for f in MONTH_FORMATS]
        start, _, _ = _parse_dates(raw, fmts)
        start = start.astype("datetime64[M]").astype("datetime64[s]")
        end = (start.astype("datetime64[M]") + 1).astype("datetime64[s]") - np.timedelta64(1, "s")
        time_fields = [("month", start)]
    else:
        key = "from" if "from" in col else "date"
        if key not in col:
            raise InputError(
                path,
                "geen datumkolom gevonden; verwacht een van: "
                + ", ".join(COLUMNS["date"] + COLUMNS["from"] + COLUMNS["month"]),
                line=1,
            )
        fmts = [(date_format, "%H" in date_format)] if date_format else DATE_FORMATS
        start, has_time, ambiguous = _parse_dates(column(key), fmts)
        _refuse_ambiguity(path, ambiguous, colname(key), lines)
        end = start
        time_fields = [(key, start)]
        if "to" in col:
            end_raw = column("to")
            end, end_time, ambiguous = _parse_dates(end_raw, fmts)
            _refuse_ambiguity(path, ambiguous, colname("to"), lines)
            has_time = has_time or end_time
            time_fields.append(("to", end))
            empty_end = _missing(end_raw)
            end = np.where(empty_end, start, end)
        precision = "tijd" if has_time else "dag"
    for key, values in time_fields:
        raw = column(key)
        for i in np.flatnonzero(np.isnat(values)):
            if key == "to" and raw[i].strip().lower() in MISSING:
                continue
            if raw[i].strip().lower() in MISSING:
                what = "ontbreekt"
            elif date_format:
                what = f"'{raw[i][:40]}' is geen datum volgens --datumformaat ({date_format})"
            else:
                what = f"'{raw[i][:40]}' is geen datum"
            problems.append((int(i), Problem(int(lines[i]), colname(key), what)))
    bad_window = ~np.isnat(start) & ~np.isnat(end) & (end < start)
    for i in np.flatnonzero(bad_window):
        problems.append(
            (
                int(i),
                Problem(
                    int(lines[i]), colname("to"), "einde van de tijdvenster ligt vóór het begin"
                ),
            )
        )

    # --- coordinates
    projected_from = None
    if "lon" in col and "lat" in col:
        xk, yk = "lon", "lat"
    elif "x" in col and "y" in col:
        xk, yk = "x", "y"
    else:
        raise InputError(
            path,
            "geen coördinaten gevonden; verwacht x/y (meters) of longitude/latitude",
            line=1,
        )
    cx, cy = _numbers(column(xk)), _numbers(column(yk))
    for key, values in ((xk, cx), (yk, cy)):
        raw = column(key)
        for i in np.flatnonzero(~np.isfinite(values)):
            what = "ontbreekt" if raw[i].strip().lower() in MISSING else f"'{raw[i]}' is geen getal"
            problems.append((int(i), Problem(int(lines[i]), colname(key), what)))
    src_crs = _crs(crs, path) if (crs is not None and xk == "x") else None
    geographic = xk == "lon" or (src_crs is not None and src_crs.is_geographic)
    if geographic:
        lon_bad = np.isfinite(cx) & (np.abs(cx) > 180)
        lat_bad = np.isfinite(cy) & (np.abs(cy) > 90)
        for i in np.flatnonzero(lon_bad | lat_bad):
            problems.append(
                (
                    int(i),
                    Problem(
                        int(lines[i]),
                        colname(xk if lon_bad[i] else yk),
                        "buiten het bereik van lengte/breedte (graden); zijn het meters?",
                    ),
                )
            )

    # --- problems
    bad_rows = sorted({i for i, _ in problems})
    if problems and not skip_invalid:
        problems.sort(key=lambda p: (p[1].line, p[1].field))
        first = problems[0][1]
        raise InputError(
            path,
            f"{first.message}; {len(bad_rows)} regel(s) met ontbrekende of ongeldige waarden "
            "(gebruik --sla-ongeldige-over om ze over te slaan en te tellen)",
            line=first.line,
            field=first.field,
        )
    keep = np.ones(len(rows), dtype=bool)
    keep[bad_rows] = False

    # --- project
    kx, ky, klines = cx[keep], cy[keep], lines[keep]
    if geographic:
        target = _target_crs(kx, ky, None if xk == "x" else crs, path)
        from pyproj import Transformer

        transformer = Transformer.from_crs(4326, target, always_xy=True)
        x, y = transformer.transform(kx, ky)
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        crs_name = f"EPSG:{target.to_epsg()}" if target.to_epsg() else target.to_string()
        projected_from = "EPSG:4326"
    else:
        x, y = kx, ky
        if src_crs is not None:
            _metric_crs(src_crs, path)
            _check_in_area(x, y, klines, src_crs, path)
            crs_name = crs or src_crs.to_string()
        else:
            _refuse_degrees_as_metres(kx, ky, klines, path)
            crs_name = "onbekend (meters)"

    def optional(key: str) -> pd.Series:
        if key not in col:
            return pd.Series(pd.NA, index=range(int(keep.sum())), dtype="string")
        return pd.Series(np.array(column(key), dtype=object)[keep], dtype="string")

    ids = optional("id") if "id" in col else pd.Series(klines.astype(str), dtype="string")
    frame = pd.DataFrame(
        {
            "id": ids,
            "x": x,
            "y": y,
            "t_from": start[keep],
            "t_to": end[keep],
            "location_id": optional("location"),
            "crime_code": optional("crime_code"),
            "line": klines,
        }
    )
    for c in ("location_id", "crime_code"):
        frame[c] = frame[c].mask(frame[c].str.strip().str.lower().isin(MISSING))
    before = len(frame)
    frame = frame.drop_duplicates("id", keep="first").reset_index(drop=True)
    skipped = [p for _, p in sorted(problems, key=lambda p: (p[1].line, p[1].field))]
    return IncidentSet(
        path=path,
        frame=frame[FRAME_COLUMNS],
        crs=crs_name,
        precision=precision,
        layout=layout,
        rows_read=len(rows),
        skipped=skipped,
        duplicates=before - len(frame),
        projected_from=projected_from,
    )
