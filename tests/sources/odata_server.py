"""A real local OData v3 server in the CBS "ODataFeed" format, for tests of ``hic haal``.

It serves, per table, the service root (the list of entity sets), ``TableInfos``,
``DataProperties``, ``CategoryGroups``, the dimension tables with ``Key``/``Title`` and
``TypedDataSet``/``UntypedDataSet``, split into pages of ``page_size`` rows joined by
``odata.nextLink`` (which repeats ``$format`` and ``$filter``, as CBS does), plus the catalogue
``/ODataCatalog/Tables``. ``$filter`` supports the subset of OData v3 people use on StatLine:
``eq ne gt ge lt le``, ``and or not``, parentheses, ``startswith``, ``endswith``,
``substringof``. Requests are logged; errors can be injected per entity set and page.

The fixtures are built from a small sample of the embedded data set in ``data/nl``.
"""

from __future__ import annotations

import csv
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

DATA = Path(__file__).resolve().parents[2] / "data" / "nl"

# --------------------------------------------------------------------------- $filter subset

_TOKEN = re.compile(
    r"\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<comma>,)|'(?P<str>(?:[^']|'')*)'"
    r"|(?P<num>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)
_COMPARE = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and a > b,
    "ge": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "le": lambda a, b: a is not None and a <= b,
}
_FUNCTIONS = {
    "startswith": lambda a, b: str(a).startswith(b),
    "endswith": lambda a, b: str(a).endswith(b),
    "substringof": lambda a, b: a in str(b),
}


class FilterError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, object]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise FilterError(f"syntax error at {pos}: {text[pos:]!r}")
        pos = match.end()
        kind = match.lastgroup
        if kind == "str":
            out.append(("str", match.group("str").replace("''", "'")))
        elif kind == "num":
            num = match.group("num")
            out.append(("num", float(num) if "." in num else int(num)))
        else:
            out.append((kind, match.group(kind)))
    return out


def parse_filter(text: str) -> Callable[[dict], bool]:
    """A predicate on a row for an OData ``$filter`` expression (the subset above)."""
    toks = _tokens(text)
    pos = 0

    def peek() -> tuple[str, object] | None:
        return toks[pos] if pos < len(toks) else None

    def take(kind: str | None = None, value: str | None = None) -> tuple[str, object]:
        nonlocal pos
        tok = peek()
        if tok is None or (kind and tok[0] != kind) or (value and tok[1] != value):
            raise FilterError(f"expected {value or kind} at token {pos}, got {tok}")
        pos += 1
        return tok

    def operand() -> Callable[[dict], object]:
        tok = take()
        if tok[0] in {"str", "num"}:
            return lambda row, v=tok[1]: v
        if tok[0] == "name" and peek() and peek()[0] == "lp":
            func = _FUNCTIONS.get(str(tok[1]))
            if func is None:
                raise FilterError(f"unknown function {tok[1]}")
            take("lp")
            args = [operand()]
            while peek() and peek()[0] == "comma":
                take("comma")
                args.append(operand())
            take("rp")
            return lambda row: func(*(a(row) for a in args))
        if tok[0] == "name":
            return lambda row, k=tok[1]: row.get(k)
        raise FilterError(f"unexpected {tok}")

    def primary() -> Callable[[dict], bool]:
        if peek() == ("name", "not"):
            take()
            inner = primary()
            return lambda row: not inner(row)
        if peek() and peek()[0] == "lp":
            take("lp")
            inner = disjunction()
            take("rp")
            return inner
        left = operand()
        tok = peek()
        if tok and tok[0] == "name" and tok[1] in _COMPARE:
            take()
            right = operand()
            op = _COMPARE[str(tok[1])]
            return lambda row: op(left(row), right(row))
        return lambda row: bool(left(row))

    def conjunction() -> Callable[[dict], bool]:
        parts = [primary()]
        while peek() == ("name", "and"):
            take()
            parts.append(primary())
        return lambda row: all(p(row) for p in parts)

    def disjunction() -> Callable[[dict], bool]:
        parts = [conjunction()]
        while peek() == ("name", "or"):
            take()
            parts.append(conjunction())
        return lambda row: any(p(row) for p in parts)

    predicate = disjunction()
    if pos != len(toks):
        raise FilterError(f"trailing tokens from {pos}: {toks[pos:]}")
    return predicate


# --------------------------------------------------------------------------- fixtures


@dataclass
class FixtureTable:
    """One table as CBS serves it."""

    table_id: str
    info: dict
    properties: list[dict]
    dimensions: dict[str, list[dict]]  # dimension key -> rows with Key/Title
    rows: list[dict]  # TypedDataSet, in ID order
    category_groups: list[dict] = field(default_factory=list)

    def entity_sets(self) -> list[str]:
        return [
            "TableInfos",
            "UntypedDataSet",
            "TypedDataSet",
            "DataProperties",
            "CategoryGroups",
            *self.dimensions,
        ]


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def municipality_names() -> dict[str, str]:
    names = {}
    for path in sorted(DATA.glob("gemeente_*.geojson")):
        for feat in json.loads(path.read_text("utf-8"))["features"]:
            names[feat["properties"]["statcode"]] = feat["properties"]["statnaam"]
    return names


MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


def monthly_split(yearly: int, month: int) -> int:
    """A year's count spread over its months (whole numbers that add up to the year)."""
    return yearly // 12 + (1 if month <= yearly % 12 else 0)


def crime_table(
    table_id: str = "47022NED",
    *,
    geo_key: str = "RegioS",
    codes: tuple[str, ...] = ("1.1.1", "1.4.5"),
    municipalities: tuple[str, ...] = ("GM0363", "GM0344", "GM0014"),
    years: tuple[int, ...] = (2022, 2023),
    month_year: int = 2023,
) -> FixtureTable:
    """Registered crimes in the police table format, from the embedded yearly figures.

    Besides the sampled municipalities: the country (NL01, the sum over all municipalities), a
    wijk, an unknown municipality (GM0001) and an unknown crime code (9.9.9); besides years:
    the months of ``month_year`` (the year split evenly) and one quarter. One cell is empty.
    Keys are padded with spaces the way CBS pads them.
    """
    yearly: dict[tuple[str, str, int], int] = {}
    national: dict[tuple[str, int], int] = {}
    for rec in _read("registered_crime_gemeente_yearly.csv"):
        key = (rec["crime_code"], int(rec["year"]))
        national[key] = national.get(key, 0) + int(rec["registered_crimes"])
        if rec["region_code"] in municipalities:
            yearly[(rec["crime_code"], rec["region_code"], int(rec["year"]))] = int(
                rec["registered_crimes"]
            )
    codelist = {r["Key"].strip(): r for r in _read("SoortMisdrijf_codelist.csv")}
    names = municipality_names()

    crime_dim = [
        {
            "Key": codelist[c]["Key"],
            "Title": codelist[c]["Title"],
            "Description": codelist[c]["Description"] or None,
            "CategoryGroupID": None,
        }
        for c in codes
    ]
    crime_dim.append(
        {
            "Key": "9.9.9 ",
            "Title": "9.9.9 Nieuwe soort",
            "Description": None,
            "CategoryGroupID": None,
        }
    )
    region_keys = ["NL01  ", *municipalities, "WK036300", "GM0001"]
    region_titles = {
        "NL01  ": "Nederland",
        "WK036300": "Wijk 00 Burgwallen-Oude Zijde",
        "GM0001": "Adorp",
    }
    region_dim = [
        {"Key": k, "Title": region_titles.get(k) or names.get(k, k), "Description": None}
        for k in region_keys
    ]
    period_keys = [f"{y}JJ00" for y in years]
    period_keys += [f"{month_year}MM{m:02d}" for m in range(1, 13)]
    period_keys.append(f"{month_year}KW01")
    period_dim = []
    for k in period_keys:
        year, kind, n = k[:4], k[4:6], int(k[6:])
        title = {
            "JJ": year,
            "MM": f"{year} {MONTHS[n - 1] if n else ''}",
            "KW": f"{year} {n}e kwartaal",
        }[kind]
        period_dim.append({"Key": k, "Title": title, "Description": None, "Status": "Definitief"})

    def value(code: str, region: str, period: str) -> int | None:
        year, kind, n = int(period[:4]), period[4:6], int(period[6:])
        if code == "9.9.9":
            return 3
        if region == "NL01":
            base = national[(code, year)]
        elif region == "WK036300":
            base = yearly[(code, "GM0363", year)] // 10
        elif region == "GM0001":
            base = 7
        else:
            base = yearly[(code, region, year)]
        if kind == "JJ":
            return base
        if kind == "MM":
            return monthly_split(base, n)
        return sum(monthly_split(base, m) for m in range(1, 4))

    rows = []
    for c in crime_dim:
        for r in region_keys:
            for p in period_keys:
                v = value(c["Key"].strip(), r.strip(), p)
                if (c["Key"].strip(), r, p) == (codes[-1], municipalities[-1], f"{month_year}MM12"):
                    v = None  # CBS leaves cells without a figure empty
                rows.append(
                    {
                        "ID": len(rows),
                        "SoortMisdrijf": c["Key"],
                        geo_key: r,
                        "Perioden": p,
                        "GeregistreerdeMisdrijven_1": v,
                    }
                )
    properties = [
        {"ID": 0, "Position": 0, "ParentID": None, "Type": "Dimension", "Key": "SoortMisdrijf",
         "Title": "Soort misdrijf", "Description": "Indeling van misdrijven.", "ReleasePolicy": False},
        {"ID": 1, "Position": 1, "ParentID": None, "Type": "GeoDimension", "Key": geo_key,
         "Title": "Regio's", "Description": None, "MapYear": "2024", "ReleasePolicy": True},
        {"ID": 2, "Position": 2, "ParentID": None, "Type": "TimeDimension", "Key": "Perioden",
         "Title": "Perioden", "Description": None, "Default": "2023JJ00", "ReleasePolicy": True},
        {"ID": 3, "Position": 3, "ParentID": None, "Type": "Topic", "Key": "GeregistreerdeMisdrijven_1",
         "Title": "Geregistreerde misdrijven", "Description": "Misdrijven die door de politie zijn geregistreerd.",
         "Datatype": "Long", "Unit": "aantal", "Decimals": 0, "Default": "Missing"},
    ]  # fmt: skip
    info = {
        "ID": 0,
        "Title": "Geregistreerde misdrijven; soort misdrijf, regio",
        "ShortTitle": "Misdrijven; soort, regio",
        "Identifier": table_id,
        "Summary": "Geregistreerde misdrijven naar soort misdrijf en regio.",
        "Modified": "2024-05-01T02:00:00",
        "Catalog": "Politie",
        "Source": "Politie",
        "Language": "nl",
        "RecordCount": len(rows),
        "ColumnCount": 5,
    }
    return FixtureTable(
        table_id,
        info,
        properties,
        {"SoortMisdrijf": crime_dim, geo_key: region_dim, "Perioden": period_dim},
        rows,
    )


def embedded_population() -> dict[tuple[str, int], int]:
    return {
        (r["region_code"], int(r["year"])): int(r["inhabitants"])
        for r in _read("population_gemeente_yearly.csv")
    }


def population_table(
    *,
    municipalities: tuple[str, ...] = ("GM0363", "GM0344", "GM0014"),
    years: tuple[int, ...] = (2022, 2023, 2024),
) -> FixtureTable:
    """70072ned "Regionale kerncijfers Nederland", from the embedded population series.

    The embedded series is the average population; it is served as
    ``GemiddeldAantalInwoners_51`` minus 0.5 (CBS averages of two counts end in .5), except in
    the last year, where the average is missing and ``TotaleBevolking_1`` (1 January) holds the
    embedded figure. In other years ``TotaleBevolking_1`` is deliberately different. NL01 is the
    sum over all municipalities; a province (PV27) and a municipality unknown to the store
    (GM0001) are served too.
    """
    pop = embedded_population()
    names = municipality_names()
    national = {y: sum(v for (_, yy), v in pop.items() if yy == y) for y in years}
    region_keys = ["NL01  ", *municipalities, "PV27  ", "GM0001"]
    rows = []
    for r in region_keys:
        for y in years:
            code = r.strip()
            if code == "NL01":
                target = national[y]
            elif code == "PV27":
                target = 3_800_000
            elif code == "GM0001":
                target = 3_000
            else:
                target = pop[(code, y)]
            last = y == years[-1]
            rows.append(
                {
                    "ID": len(rows),
                    "RegioS": r,
                    "Perioden": f"{y}JJ00",
                    "TotaleBevolking_1": target if last else target - 1234,
                    "Mannen_2": target // 2,
                    "GemiddeldAantalInwoners_51": None if last else target - 0.5,
                }
            )
    properties = [
        {"ID": 0, "Position": 0, "ParentID": None, "Type": "GeoDimension", "Key": "RegioS",
         "Title": "Regio's", "Description": None, "MapYear": "2024", "ReleasePolicy": True},
        {"ID": 1, "Position": 1, "ParentID": None, "Type": "TimeDimension", "Key": "Perioden",
         "Title": "Perioden", "Description": None, "Default": None, "ReleasePolicy": True},
        {"ID": 2, "Position": 2, "ParentID": None, "Type": "TopicGroup", "Key": "Bevolking",
         "Title": "Bevolking", "Description": None},
        {"ID": 3, "Position": 3, "ParentID": 2, "Type": "TopicGroup", "Key": "BevolkingOp1Januari",
         "Title": "Bevolkingssamenstelling op 1 januari", "Description": None},
        {"ID": 4, "Position": 4, "ParentID": 3, "Type": "Topic", "Key": "TotaleBevolking_1",
         "Title": "Totale bevolking", "Description": "Bevolking op 1 januari.", "Datatype": "Long",
         "Unit": "aantal", "Decimals": 0, "Default": "Missing"},
        {"ID": 5, "Position": 5, "ParentID": 3, "Type": "Topic", "Key": "Mannen_2",
         "Title": "Mannen", "Description": None, "Datatype": "Long", "Unit": "aantal",
         "Decimals": 0, "Default": "Missing"},
        {"ID": 6, "Position": 6, "ParentID": 2, "Type": "Topic", "Key": "GemiddeldAantalInwoners_51",
         "Title": "Gemiddeld aantal inwoners", "Description": "Gemiddelde van 1 januari van dit en het volgende jaar.",
         "Datatype": "Double", "Unit": "aantal", "Decimals": 0, "Default": "Missing"},
    ]  # fmt: skip
    region_dim = [
        {"Key": r, "Title": {"NL01  ": "Nederland", "PV27  ": "Noord-Holland (PV)", "GM0001": "Adorp"}.get(r)
         or names.get(r, r), "Description": None}
        for r in region_keys
    ]  # fmt: skip
    period_dim = [
        {"Key": f"{y}JJ00", "Title": str(y), "Description": None, "Status": "Definitief"}
        for y in years
    ]
    info = {
        "ID": 0,
        "Title": "Regionale kerncijfers Nederland",
        "ShortTitle": "Regionale kerncijfers Nederland",
        "Identifier": "70072ned",
        "Modified": "2024-10-01T02:00:00",
        "Catalog": "CBS",
        "Language": "nl",
        "RecordCount": len(rows),
    }
    return FixtureTable(
        "70072ned", info, properties, {"RegioS": region_dim, "Perioden": period_dim}, rows
    )


# --------------------------------------------------------------------------- server


@dataclass
class Request:
    path: str
    query: dict[str, str]

    @property
    def entity(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]


class ODataServer:
    """``with ODataServer([tables], page_size=…) as server:`` -> ``server.url`` (no trailing /)."""

    def __init__(self, tables: list[FixtureTable], *, page_size: int = 50) -> None:
        self.tables = {t.table_id.lower(): t for t in tables}
        self.page_size = page_size
        self.requests: list[Request] = []
        self.failures: dict[tuple[str, int | None], int] = {}
        self.delay = 0.0  # seconds to wait before answering (timeouts)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def fail(self, entity: str, status: int, page: int | None = None) -> None:
        """Answer requests for ``entity`` (page ``page``, 0-based; None: every page) with ``status``."""
        self.failures[(entity, page)] = status

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ODataServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server._handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- responses

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        data = json.dumps(body).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json;odata=minimalmetadata;charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _error(self, handler: BaseHTTPRequestHandler, status: int, message: str) -> None:
        self._send(
            handler,
            status,
            {"odata.error": {"code": "", "message": {"lang": "nl-NL", "value": message}}},
        )

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = Request(parts.path, query)
        self.requests.append(request)
        if self.delay:
            time.sleep(self.delay)
        segments = [s for s in parts.path.split("/") if s]
        if segments[:2] == ["ODataCatalog", "Tables"]:
            value = [dict(t.info) for t in self.tables.values()]
            return self._send(
                handler,
                200,
                {"odata.metadata": f"{self.url}/ODataCatalog/$metadata#Tables", "value": value},
            )
        if len(segments) < 3 or [s.lower() for s in segments[:2]] != ["odatafeed", "odata"]:
            return self._error(handler, 404, "Not found")
        table = self.tables.get(segments[2].lower())
        if table is None:
            return self._error(handler, 404, f"Table {segments[2]} does not exist")
        root = f"{self.url}/ODataFeed/odata/{table.table_id}"
        if len(segments) == 3:
            value = [{"name": n, "url": f"{root}/{n}"} for n in table.entity_sets()]
            return self._send(handler, 200, {"odata.metadata": f"{root}/$metadata", "value": value})
        entity = segments[3]
        rows = self._entity_rows(table, entity)
        if rows is None:
            return self._error(handler, 404, f"Resource {entity} not found")
        skip = int(query.get("$skip", "0"))
        page = skip // self.page_size
        status = self.failures.get((entity, page)) or self.failures.get((entity, None))
        if status:
            return self._error(handler, status, "Internal server error")
        if "$filter" in query:
            try:
                keep = parse_filter(query["$filter"])
            except FilterError as exc:
                return self._error(handler, 400, f"Invalid filter: {exc}")
            rows = [r for r in rows if keep(r)]
        body = {
            "odata.metadata": f"{root}/$metadata#Cbs.OData.WebAPI.{entity}",
            "value": rows[skip : skip + self.page_size],
        }
        if skip + self.page_size < len(rows):
            link = f"{root}/{entity}?$format=json&$skip={skip + self.page_size}"
            if "$filter" in query:
                link += "&$filter=" + quote(query["$filter"], safe="")
            body["odata.nextLink"] = link
        return self._send(handler, 200, body)

    @staticmethod
    def _entity_rows(table: FixtureTable, entity: str) -> list[dict] | None:
        if entity in {"TypedDataSet", "UntypedDataSet"}:
            if entity == "TypedDataSet":
                return table.rows
            return [{k: (None if v is None else str(v)) for k, v in r.items()} for r in table.rows]
        if entity == "TableInfos":
            return [table.info]
        if entity == "DataProperties":
            return table.properties
        if entity == "CategoryGroups":
            return table.category_groups
        return table.dimensions.get(entity)

    def pages(self, entity: str) -> list[Request]:
        return [r for r in self.requests if r.entity == entity]


def unreachable_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
