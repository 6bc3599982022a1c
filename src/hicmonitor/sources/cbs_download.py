"""Download a CBS / police StatLine table with the ``cbsodata`` client and convert it to a CSV.

Supported tables (``TABLES``):

- ``47022NED`` and ``47018NED``: registered crimes (police, on the CBS "dataderden" catalogue
  ``dataderden.cbs.nl``). Written as a CSV in the open-data format of
  :mod:`hicmonitor.sources.cbs_opendata` (``ID,SoortMisdrijf,RegioS,Perioden,
  GeregistreerdeMisdrijven_1``), which :func:`hicmonitor.services.loading.load_download` loads
  with :func:`hicmonitor.store.loading.load_file`.
- ``70072ned``: "Regionale kerncijfers Nederland" (CBS, ``opendata.cbs.nl``). Written as the
  tidy population format ``region_code,year,inhabitants`` (:mod:`hicmonitor.sources.tidy`).

How the client is used. ``cbsodata.download_data(table, filters=…, catalog_url=…)`` reads the
service root ``{base}/ODataFeed/odata/{table}/`` and then every entity set it lists but one:
``TableInfos``, ``DataProperties``, ``CategoryGroups``, the dimension tables (``SoortMisdrijf``,
``RegioS``/``WijkenEnBuurten``, ``Perioden``) and one data set, following ``odata.nextLink`` page
by page (OData v3, the CBS "ODataFeed"). In cbsodata 1.3.5 the ``typed`` flag works the other
way round (https://github.com/J535D165/cbsodata/issues/20): ``typed=False`` fetches
``TypedDataSet``. We pass ``typed=False`` and read whichever data set came back; the untyped
one (numbers as padded strings, ``"."`` for no figure) is parsed too, so a fixed client works
unchanged. Unlike
``cbsodata.get_data``, ``download_data`` does not replace dimension keys by their titles, so the
rows keep the codes we need (``"1.1.1 "``, ``"GM0363"``, ``"2023MM07"``); the padding spaces
CBS puts in keys are trimmed here. Which column is the region, the period and the measure is
read from ``DataProperties`` (``GeoDimension``, ``TimeDimension``, ``Topic``), because the
tables differ (47018NED calls its region dimension ``WijkenEnBuurten``).

Population measure (70072ned). ``GemiddeldAantalInwoners_*`` ("gemiddeld aantal inwoners", the
mean of the population on 1 January of the year and of the next year), rounded half up. That is
the denominator CBS uses for figures per 1,000 inhabitants, and it is what the embedded
population series holds (GM0363, 2022: 900,375 = (882,633 + 918,117) / 2, the 1 January figures
of 2022 and 2023). For the latest year the average is not published yet; there the population on
1 January (``TotaleBevolking_*``) is used and the summary says for how many rows.

Rows the store cannot take are left out of the CSV and counted in the summary with examples:
quarterly periods, crime codes missing from the code list, regions of an unknown kind or
municipalities missing from the municipality list, population cells without a figure, and
population for other regions than the country and municipalities. Empty crime cells stay in the
CSV; the loader skips and counts them.

Nothing is written to the store before the whole table has arrived; a failed download raises a
``HicError`` in Dutch. Reference: CBS, "Handleiding CBS Open Data Services" (OData v3 feed,
https://www.cbs.nl/-/media/statline/documenten/handleiding-cbs-opendata-services.pdf).
"""

from __future__ import annotations

import csv
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import cbsodata
import requests

from hicmonitor import regions as regionmod
from hicmonitor.errors import HicError
from hicmonitor.sources.base import Vocabulary
from hicmonitor.sources.cbs_opendata import COUNT_COL, CRIME_COL, PERIOD_COL, REGION_COL

URL_ENV = "HICMONITOR_CBS_URL"
CONNECT_TIMEOUT_SECONDS = 10.0
TIMEOUT_SECONDS = 120.0  # per response (a page of 10,000 rows)
CRIME_DIMENSION = "SoortMisdrijf"


@dataclass(frozen=True)
class TableSpec:
    """A table ``hic haal`` knows: where it lives, what it holds, which measure to take."""

    table_id: str
    catalog: str  # default host of the OData feed
    kind: str  # misdrijven | bevolking
    measures: tuple[str, ...]  # Topic key prefixes; the first non-empty one per row is used
    description: str


TABLES: dict[str, TableSpec] = {
    spec.table_id.lower(): spec
    for spec in (
        TableSpec(
            "47022NED",
            "dataderden.cbs.nl",
            "misdrijven",
            ("GeregistreerdeMisdrijven_",),
            "geregistreerde misdrijven (politie)",
        ),
        TableSpec(
            "47018NED",
            "dataderden.cbs.nl",
            "misdrijven",
            ("GeregistreerdeMisdrijven_",),
            "geregistreerde misdrijven (politie)",
        ),
        TableSpec(
            "70072ned",
            "opendata.cbs.nl",
            "bevolking",
            ("GemiddeldAantalInwoners_", "TotaleBevolking_"),
            "bevolking (Regionale kerncijfers Nederland)",
        ),
    )
}

CRIME_HEADER = ["ID", CRIME_COL, REGION_COL, PERIOD_COL, COUNT_COL]
POPULATION_HEADER = ["region_code", "year", "inhabitants"]

_YEAR = re.compile(r"^(\d{4})JJ00$")
_QUARTER = re.compile(r"^\d{4}KW\d\d$")

# Reasons a row is left out (shown to the user).
SKIP_QUARTER = "kwartaalcijfers (alleen jaar en maand worden opgeslagen)"
SKIP_CRIME_CODE = "misdrijfcode staat niet in de codelijst"
SKIP_REGION = "regio onbekend of niet in de gemeentelijst"
SKIP_NOT_YEAR = "geen jaarcijfer"
SKIP_NO_FIGURE = "geen cijfer"


def table_spec(table_id: str) -> TableSpec:
    """The spec of a supported table (case-insensitive), or a Dutch error listing them."""
    spec = TABLES.get(table_id.strip().lower())
    if spec is None:
        known = ", ".join(f"{s.table_id} ({s.description})" for s in TABLES.values())
        raise HicError(f"tabel {table_id!r} wordt niet ondersteund; kies uit: {known}")
    return spec


@dataclass
class Download:
    """A table as it arrived: the rows of ``TypedDataSet`` and the metadata around them."""

    spec: TableSpec
    base_url: str
    filter: str | None
    rows: list[dict]
    properties: list[dict]
    info: dict = field(default_factory=dict)


def _split_base(base: str) -> tuple[bool, str]:
    """``https://host[:port][/path]`` -> (use https, ``host[:port][/path]`` for cbsodata)."""
    parts = urlsplit(base.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise HicError(
            f"basis-URL {base!r} is ongeldig; verwacht bijv. https://dataderden.cbs.nl "
            "(--basis-url of HICMONITOR_CBS_URL)"
        )
    return parts.scheme == "https", parts.netloc + parts.path.rstrip("/")


@contextmanager
def _scheme(use_https: bool) -> Iterator[None]:
    """cbsodata keeps the scheme in a module-wide option; set it for one download only."""
    old = cbsodata.options.use_https
    cbsodata.options.use_https = use_https
    try:
        yield
    finally:
        cbsodata.options.use_https = old


class _PageHandler(logging.Handler):
    """Turns cbsodata's ``Download <url>`` log lines into (entity set, page) progress calls.

    cbsodata logs each request with ``logging.info`` on the root logger. To see those lines the
    root level is lowered to INFO for the download; this handler then stands in for the root
    handlers and passes them only what they would have seen at the old level.
    """

    def __init__(
        self, progress: Callable[[str, int], None], forward: list[logging.Handler], level: int
    ) -> None:
        super().__init__(logging.NOTSET)
        self.progress = progress
        self.forward = forward
        self.forward_level = level
        self.pages: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= self.forward_level:
            for handler in self.forward:
                if record.levelno >= handler.level:
                    handler.handle(record)
        message = record.getMessage()
        if record.name != "root" or not message.startswith("Download "):
            return
        path = urlsplit(message.removeprefix("Download ")).path.rstrip("/")
        entity = path.rsplit("/", 1)[-1] or "tabel"
        self.pages[entity] += 1
        self.progress(entity, self.pages[entity])


@contextmanager
def _page_progress(progress: Callable[[str, int], None] | None) -> Iterator[None]:
    root = logging.getLogger()
    old_level, old_handlers = root.level, list(root.handlers)
    handler = _PageHandler(
        progress or (lambda entity, page: None), old_handlers, root.getEffectiveLevel()
    )
    for h in old_handlers:
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(min(logging.INFO, root.getEffectiveLevel()))
    try:
        yield
    finally:
        root.removeHandler(handler)
        for h in old_handlers:
            root.addHandler(h)
        root.setLevel(old_level)


def _status(exc: requests.HTTPError) -> int | None:
    # cbsodata re-raises HTTPError without the response; the original is the cause.
    for err in (exc, exc.__cause__):
        response = getattr(err, "response", None)
        if response is not None:
            return response.status_code
    return None


def fetch(
    table_id: str,
    *,
    filter: str | None = None,
    base_url: str | None = None,
    progress: Callable[[str, int], None] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Download:
    """Download a whole table (all pages) with ``cbsodata.download_data``; nothing is stored.

    ``base_url`` (default: ``HICMONITOR_CBS_URL``, else the table's CBS catalogue) is
    ``scheme://host[:port]``; ``filter`` is an OData ``$filter`` sent with every page.
    ``progress(entity_set, page)`` is called before each request.
    """
    spec = table_spec(table_id)
    base = base_url or os.environ.get(URL_ENV) or f"https://{spec.catalog}"
    use_https, catalog_url = _split_base(base)
    no_connection = f"geen verbinding met {base}; gebruik hic laad met een gedownload bestand"
    kwargs = {
        "timeout": (CONNECT_TIMEOUT_SECONDS, timeout),
        "proxies": requests.utils.get_environ_proxies(base),
    }
    try:
        # Progress first: its handler also keeps cbsodata's logging.info calls from installing
        # a stderr handler on the root logger (logging.basicConfig) when it has none.
        with _page_progress(progress), _scheme(use_https):
            data = cbsodata.download_data(
                spec.table_id,
                typed=False,  # = TypedDataSet in cbsodata 1.3.5 (issue 20, see above)
                filters=filter or None,
                catalog_url=catalog_url,
                **kwargs,
            )
    except requests.HTTPError as exc:
        status = _status(exc)
        if status == 404:
            raise HicError(
                f"tabel {spec.table_id} niet gevonden op {base} (HTTP 404); klopt de basis-URL?"
            ) from None
        if status == 400 and filter:
            raise HicError(
                f"{base} weigerde het filter {filter!r} (HTTP 400); controleer de OData-syntaxis, "
                "bijv. \"SoortMisdrijf eq '1.1.1 ' and Perioden eq '2023JJ00'\""
            ) from None
        raise HicError(
            f"{base} gaf een fout (HTTP {status}) bij het downloaden van {spec.table_id}; "
            "probeer het later opnieuw of gebruik hic laad met een gedownload bestand"
        ) from None
    except requests.ConnectTimeout:
        raise HicError(no_connection) from None
    except requests.Timeout:
        raise HicError(
            f"geen antwoord van {base} binnen {timeout:g} seconden; "
            "gebruik hic laad met een gedownload bestand"
        ) from None
    except requests.RequestException:
        raise HicError(no_connection) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise HicError(
            f"{base}: onverwacht antwoord bij het downloaden van {spec.table_id} "
            f"(geen CBS OData-feed: {exc})"
        ) from None
    info = (data.get("TableInfos") or [{}])[0]
    return Download(
        spec=spec,
        base_url=base,
        filter=filter or None,
        rows=data.get("TypedDataSet", data.get("UntypedDataSet", [])),
        properties=data.get("DataProperties", []),
        info=info,
    )


@dataclass
class Converted:
    """The rows to write (in the loader's format) and what was left out."""

    header: list[str]
    records: list[list[object]]
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    fallback: int = 0  # population rows that took the 1 January figure

    def skip(self, reason: str, example: str) -> None:
        self.skipped[reason] += 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < 3 and example not in shown:
            shown.append(example)


def _columns(download: Download) -> tuple[str, str, list[str]]:
    """(region dimension, period dimension, measure keys in order of preference)."""
    props = download.properties
    name = download.spec.table_id

    def one(kind: str) -> str:
        keys = [p["Key"] for p in props if p.get("Type") == kind]
        if len(keys) != 1:
            raise HicError(
                f"tabel {name}: onverwachte opbouw ({len(keys)} kolommen van het type {kind} "
                "in DataProperties, verwacht 1)"
            )
        return keys[0]

    topics = [p["Key"] for p in props if p.get("Type") == "Topic"]
    measures = [
        next((t for t in topics if t.startswith(prefix)), None) for prefix in download.spec.measures
    ]
    if not any(measures):
        raise HicError(
            f"tabel {name}: kolom {download.spec.measures[0]}… ontbreekt "
            f"(gevonden: {', '.join(topics) or 'geen'}); is dit de goede tabel?"
        )
    return one("GeoDimension"), one("TimeDimension"), [m for m in measures if m]


def _region_ok(code: str, vocab: Vocabulary, levels: set[str] | None = None) -> bool:
    level = regionmod.level_of(code)
    if level is None or (levels is not None and level not in levels):
        return False
    return level not in {"land", "gemeente"} or code in vocab.regions


def _number(value: object) -> object:
    """A measure cell as a number, None for no figure (typed: int/float/None; untyped: text)."""
    if isinstance(value, str):
        text = value.strip()
        if text in {"", "."}:
            return None
        try:
            value = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return text  # left for the loader, which names line and field
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def convert(download: Download, vocab: Vocabulary) -> Converted:
    """The downloaded rows in the loader's format; rows the store cannot take are counted."""
    region_dim, period_dim, measures = _columns(download)
    if download.spec.kind == "misdrijven":
        if not any(p.get("Key") == CRIME_DIMENSION for p in download.properties):
            raise HicError(f"tabel {download.spec.table_id}: dimensie {CRIME_DIMENSION} ontbreekt")
        return _convert_crime(download.rows, region_dim, period_dim, measures[0], vocab)
    return _convert_population(download.rows, region_dim, period_dim, measures, vocab)


class _Keys(dict):
    """Trimmed dimension keys, computed once per distinct raw key (tables repeat them a lot)."""

    def __missing__(self, raw: object) -> str:
        key = self[raw] = str(raw or "").strip()
        return key


def _convert_crime(
    rows: list[dict], region_dim: str, period_dim: str, measure: str, vocab: Vocabulary
) -> Converted:
    out = Converted(header=CRIME_HEADER, records=[])
    keys = _Keys()
    # Per distinct (code, region, period) part: None if kept, else the reason to skip.
    verdicts: dict[tuple[str, str], str | None] = {}

    def verdict(kind: str, value: str) -> str | None:
        found = verdicts.get((kind, value), 0)
        if found == 0:
            if kind == "period":
                found = SKIP_QUARTER if _QUARTER.match(value) else None
            elif kind == "code":
                found = None if value in vocab.crime_codes else SKIP_CRIME_CODE
            else:
                found = None if _region_ok(value, vocab) else SKIP_REGION
            verdicts[(kind, value)] = found
        return found

    append = out.records.append
    for row in rows:
        code = keys[row.get(CRIME_DIMENSION)]
        region = keys[row.get(region_dim)]
        period = keys[row.get(period_dim)]
        for kind, value in (("period", period), ("code", code), ("region", region)):
            reason = verdict(kind, value)
            if reason is not None:
                out.skip(reason, value)
                break
        else:
            value = row.get(measure)
            if not isinstance(value, int):
                value = _number(value)
            append([row.get("ID", ""), code, region, period, "" if value is None else value])
    return out


def _convert_population(
    rows: list[dict], region_dim: str, period_dim: str, measures: list[str], vocab: Vocabulary
) -> Converted:
    out = Converted(header=POPULATION_HEADER, records=[])
    for row in rows:
        region = str(row.get(region_dim) or "").strip()
        period = str(row.get(period_dim) or "").strip()
        match = _YEAR.match(period)
        if not match:
            out.skip(SKIP_NOT_YEAR, period)
            continue
        if not _region_ok(region, vocab, {"land", "gemeente"}):
            out.skip(SKIP_REGION, region)
            continue
        values = [_number(row.get(m)) for m in measures]
        chosen = next((i for i, v in enumerate(values) if isinstance(v, int | float)), None)
        if chosen is None:
            out.skip(SKIP_NO_FIGURE, f"{region} {match.group(1)}")
            continue
        if chosen > 0:
            out.fallback += 1
        # Half up (the average of two whole numbers ends in .5 half the time).
        out.records.append([region, int(match.group(1)), math.floor(float(values[chosen]) + 0.5)])
    return out


def write_csv(converted: Converted, path: Path) -> None:
    """Write the rows as UTF-8 CSV (the format the loader detects from the header)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(converted.header)
        writer.writerows(converted.records)
