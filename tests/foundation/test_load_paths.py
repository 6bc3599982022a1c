"""Both load paths agree, for every input format: the same rows stored (with their dates of
publication, the rows a revision replaced kept in the history, the accepted exceptions), the
same files refused with the same error (file, line, field, message) or the same plausibility
findings, and the store untouched after a refusal.

The fast path (DuckDB's read_csv, checks in SQL) serves every load; the precise path (Python,
record by record) names the error when the fast path finds a violation, and loads the few
files whose values the fast path is too strict for. Each case is loaded twice into copies of
one store: ``fast=True`` (the normal route) and ``fast=False`` (the precise path alone).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hicmonitor import store
from hicmonitor.errors import InputError
from hicmonitor.plausibility import PlausibilityError
from hicmonitor.store import loading
from tests.conftest import dump

CBS = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1,Per1000"
GEMEENTE = "crime_code,crime_label,region_code,year,registered_crimes,provisional"
LANDELIJK = "incident_type_code,year,incident_count"
BEVOLKING = "region_code,year,inhabitants"
GELDAUTOMATEN = "year,counter,kind,count,source"
# The optional columns: when a row's figure became public, and the last day a count covers.
GEMEENTE_PUB = GEMEENTE + ",beschikbaar_vanaf"
LANDELIJK_PUB = LANDELIJK + ",available_from"
BEVOLKING_PUB = BEVOLKING + ",beschikbaar_vanaf"
GELDAUTOMATEN_PUB = GELDAUTOMATEN + ",available_from,tot_en_met"
GELDAUTOMATEN_COVERS = GELDAUTOMATEN + ",covers_until"
SEEDED = ("GM0363", "GM0344")  # municipalities with inhabitants for every year


@pytest.fixture(scope="module")
def vocab_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the vocabulary (crime codes, regions, municipal changes), inhabitants of
    two municipalities for every year (so counts there pass the plausibility checks), and a
    few stored rows to revise."""
    path = tmp_path_factory.mktemp("paths") / "vocab.duckdb"
    con = store.connect(path)
    loading.ensure_vocabulary(con)
    loading.ensure_region_reference(con)
    seed = path.parent / "seed.csv"
    years = range(1900, dt.date.today().year + 1)
    sizes = dict(zip(SEEDED, (870000, 360000), strict=True))
    rows = [f"{code},{y},{size}" for code, size in sizes.items() for y in years]
    seed.write_text(csv_text(BEVOLKING, rows), "utf-8")
    loading.load_file(con, seed, fast=False)
    seed.write_text(
        f"{GEMEENTE}\n1.1.1,Woninginbraak,GM0363,2020,10,0\n1.4.6,Straatroof,GM0344,2021,4,1\n",
        "utf-8",
    )
    loading.load_file(con, seed, fast=False)
    con.close()
    return path


@pytest.fixture(scope="module")
def stores(vocab_db: Path):
    """Two copies of the store, one loaded by each route, kept in step through all cases.

    Every case loads into both; as long as the routes agree, the two stores stay equal, so
    each case also runs against what the cases before it left (revisions, known regions).
    """
    cons = {}
    for fast in (True, False):
        db = vocab_db.with_name(f"route_{fast}.duckdb")
        shutil.copy(vocab_db, db)
        cons[fast] = store.connect(db)
    cons["tables"] = snapshot(cons[True])  # both stores hold these tables between cases
    yield cons
    cons[True].close()
    cons[False].close()


# Per connection: table -> (fingerprint, source ranks, ranked rows), so that a snapshot reads
# again only the tables a load changed (the vocabulary and region reference rarely change).
_SNAPSHOTS: dict[int, tuple[object, dict]] = {}


def snapshot(con) -> dict:
    """Every table, with source ids replaced by their rank (a rolled-back attempt has used a
    number of the id sequence on one route only; ids may have gaps, never reuse) and without
    the time of loading.

    A table whose fingerprint (row count and the sum of the rows' hashes, computed by DuckDB)
    and source ranks are unchanged since this connection's last snapshot is not read again."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
        ).fetchall()
    ]
    prints = dict(
        con.execute(
            " UNION ALL ".join(
                f"SELECT '{name}', count(*)::VARCHAR || ':' || coalesce(sum(hash(t)), 0)::VARCHAR "
                f"FROM {name} t"
                for name in names
            )
        ).fetchall()
    )
    ids = sorted(r[0] for r in con.execute("SELECT id FROM sources").fetchall())
    rank = {source_id: n for n, source_id in enumerate(ids)}
    owner, cache = _SNAPSHOTS.get(id(con), (None, {}))
    if owner is not con:
        cache = {}
        _SNAPSHOTS[id(con)] = (con, cache)
    tables = {}
    for name in names:
        known = cache.get(name)
        if known is not None and known[0] == prints[name] and _same_ranks(known[1], rank):
            tables[name] = known[2]
            continue
        tables[name], used = _ranked(con, name, rank)
        cache[name] = (prints[name], used, tables[name])
    return tables


def _same_ranks(used: dict, rank: dict) -> bool:
    """Whether every source id a table's rows held (``used``: id -> rank, None for an id
    without a source) still has that rank."""
    return all(rank.get(source_id) == n for source_id, n in used.items())


def _ranked(con, name: str, rank: dict) -> tuple[list[tuple], dict]:
    """The rows of one table, sorted, with source ids replaced by their rank; and the ranks
    of the source ids the rows held."""
    rows = con.execute(f"SELECT * FROM {name}").fetchall()
    columns = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
    if name == "sources":
        columns[columns.index("id")] = "source_id"
    ranked = {columns.index(c) for c in ("source_id", "superseded_by") if c in columns}
    used: dict = {}
    if not ranked:
        return sorted(rows, key=repr), used
    listed = columns.index("revises") if "revises" in columns else None
    dropped = columns.index("loaded_at") if "loaded_at" in columns else None

    def ranked_id(v):
        used[v] = rank.get(v)
        return rank.get(v, v)

    def ranks(row: tuple) -> tuple:
        return tuple(
            ranked_id(v)
            if i in ranked
            else (tuple(ranked_id(s) for s in v) if v else None)
            if i == listed
            else v
            for i, v in enumerate(row)
            if i != dropped
        )

    return sorted((ranks(r) for r in rows), key=repr), used


def findings(exc: PlausibilityError) -> tuple:
    return tuple(
        (f.check, f.line, f.field, f.message, f.region_code, f.crime_code, f.period, f.value)
        for f in exc.findings
    )


def outcome(con, path: Path, fast: bool, before: dict, **options) -> tuple:
    """(error as (line, field, message), or the plausibility findings, or None; load summary;
    route taken; tables after)."""
    try:
        result = loading.load_file(con, path, fast=fast, **options)
    except (InputError, PlausibilityError) as exc:
        after = snapshot(con)
        assert after == before, "a refused load changed the store"
        if isinstance(exc, PlausibilityError):
            return ("aannemelijkheid", findings(exc)), None, None, after
        return (exc.line, exc.field, exc.message), None, None, after
    summary = (
        result.status,
        result.rows,
        result.replaced,
        result.skipped_empty,
        result.unnamed_columns,
        [(f.check, f.line, f.field, f.message) for f in result.exceptions],
        re.sub(r"bron [0-9, ]+", "bron …", result.summary()),  # ids may differ
    )
    return None, summary, result.route, snapshot(con)


def both(tmp_path: Path, stores: dict, text: str | bytes, name: str = "f.csv", **options) -> tuple:
    """Load ``text`` by both routes; assert they agree; return the fast route's outcome.

    ``options`` go to ``load_file`` (``accept``, ``published``)."""
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, "utf-8", newline="")
    else:
        path.write_bytes(text)
    before = stores["tables"]
    (fast_error, fast_summary, route, fast_tables), (precise_error, precise_summary, _, tables) = (
        outcome(stores[fast], path, fast, before, **options) for fast in (True, False)
    )
    assert fast_error == precise_error, text
    assert fast_summary == precise_summary, text
    if fast_tables != tables:
        differ = [t for t in tables if fast_tables[t] != tables[t]]
        detail = {t: set(fast_tables[t]) ^ set(tables[t]) for t in differ}
        raise AssertionError(f"{text!r}: the stores differ: {detail}")
    stores["tables"] = tables
    return fast_error, route


def csv_text(header: str, rows: list[str], *, newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


# --- valid files take the fast path -------------------------------------------------------

VALID = {
    "cbs": (
        CBS,
        [
            "0,1.1.1 ,GM0363    ,2023MM01,50,0.2",
            "1,1.1.1 ,GM0363    ,2023JJ00,90,",
            "2,1.4.6 ,BU03630001,2023MM02,3,",
            "3,1.4.6 ,BU03630001,2023MM03,,",
            "4,1.4.7 ,RE13      ,2024JJ00,55,",
            "5,1.1.1 ,GM0363    ,2020JJ00,12,",
        ],
    ),
    "gemeente": (
        GEMEENTE,
        [
            "1.1.1,Diefstal/inbraak woning,GM0363,2020,11,0",
            '1.4.6,"Straatroof, op straat",GM0363,2021,5,1',
            "1.4.6,Straatroof,WK036301,2021,0,0",
        ],
    ),
    "landelijk": (
        LANDELIJK,
        ["Totaal misdrijven,2023,800000", "1.1.1 Diefstal/inbraak woning,2023,30000"],
    ),
    "bevolking": (BEVOLKING, ["GM0363,2020,880000", "GM0344,2021,360000", "BU03630001,2021,9"]),
    "geldautomaten": (
        GELDAUTOMATEN,
        ["2023,NVB,plofkraak,12,nos.nl/artikel/1", "2023,politie,plofkraak,14,"],
    ),
    "gemeente_pub": (
        GEMEENTE_PUB,
        [
            "1.1.1,Woninginbraak,GM0363,2018,11,0,2019-03-01",
            "1.4.6,Straatroof,GM0363,2018,5,0,2019-02-01",
            "1.4.6,Straatroof,GM0344,2018,6,0,",
            "1.4.6,Straatroof,GM0344,2017,6,0,2018-03-01",
        ],
    ),
    "landelijk_pub": (
        LANDELIJK_PUB,
        ["Totaal misdrijven,2018,780000,2019-03-01", "1.1.1 Diefstal/inbraak woning,2017,31000,"],
    ),
    "bevolking_pub": (
        BEVOLKING_PUB,
        ["WK036301,2018,4000,2019-06-01", "WK036302,2018,3000,", "WK036301,2017,3900,2018-06-01"],
    ),
    "geldautomaten_pub": (
        GELDAUTOMATEN_PUB,
        [
            "2018,NVB,plofkraak,12,nos.nl/artikel/1,2018-12-20,2018-12-15",
            "2018,politie,plofkraak,14,,2019-02-01,",
            "2017,politie,plofkraak,13,,,",
        ],
    ),
    "geldautomaten_covers": (
        GELDAUTOMATEN_COVERS,
        ["2016,NVB,ramkraak,2,a,2016-11-30", "2016,politie,ramkraak,3,b,"],
    ),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_file_takes_the_fast_path_and_both_paths_store_the_same(
    name: str, tmp_path: Path, stores: dict
) -> None:
    header, rows = VALID[name]
    error, route = both(tmp_path, stores, csv_text(header, rows))
    assert error is None
    assert route == "snel"


def test_revision_replaces_the_same_rows_on_both_paths(
    tmp_path: Path, stores: dict, vocab_db: Path
) -> None:
    # GM0363 2020 was stored by the seed: both paths replace exactly that row
    text = csv_text(GEMEENTE, ["1.1.1,Woninginbraak,GM0363,2020,12,0", "1.1.1,W,GM0363,2019,9,0"])
    error, route = both(tmp_path, stores, text)
    assert (error, route) == (None, "snel")
    con = store.connect(vocab_db)
    before = con.execute("SELECT count(*) FROM counts").fetchone()[0]
    con.close()
    db = tmp_path / "r.duckdb"
    shutil.copy(vocab_db, db)
    con = store.connect(db)
    result = loading.load_file(con, tmp_path / "f.csv")
    assert (result.status, result.replaced, result.rows) == ("herzien", 1, 2)
    assert con.execute("SELECT count(*) FROM counts").fetchone()[0] == before + 1


# --- one odd value at a time, in every format ---------------------------------------------

# The odd values by class (a class: the values one branch of the readers treats alike). A
# value list applied in full to the first format(s) reading the field; the other formats read
# the same field with the same code (sources/csvfile.py, sources/sqlchecks.py), so they get
# one value of every class (``sample``): each class stays covered in every format, on both
# paths, at a fraction of the loads.
COUNT_CLASSES = [
    ["05", "00000000000000000007"],  # leading zeros
    [" 5", "5 ", "  ", "\t5", "5\t", "\xa05"],  # blanks and other white space
    ["+5", "-5", "-0"],  # signs
    ["5.0", "5.5", "1e2", "1E2", "15e2"],  # decimals and exponents
    ["1_000", "0x10", "0xFFFFF"],  # what Python's or DuckDB's casts would accept
    ["٣", "²"],  # digits outside ASCII
    ["", ".", "x"],  # CBS's empty cells
    ["9223372036854775807", "9223372036854775808", "2147483647", "2147483648"],  # the limits
]
YEAR_CLASSES = [
    ["2021", "1900"],  # fine
    [" 2021", "2021 ", "\t2021", "2021\xa0"],  # white space
    ["02021", "2021.0", "+2021", "20e2", "21"],  # other forms of a number
    ["1899", "2999"],  # out of range
    ["２０２１"],  # digits outside ASCII
    [""],
]
DATE_CLASSES = [
    ["2022-03-01", "2024-02-29", "2020-12-31", "2021-01-01", "2021-12-31", "9999-12-31"],
    ["", "  "],
    [" 2022-03-01", "2022-03-01 ", "\t2022-03-01", "2022-03-01\xa0"],
    ["2022-3-1", "01-03-2022", "2022/03/01", "2022-03-01T00:00", "20220301"],
    ["2022-02-30", "2023-02-29", "0000-01-01", "1899-12-31"],
    ["٢٠٢٢-03-01", "２０２２-03-01"],
    ["x", "=2022-03-01", "\x01"],
]
TEXT_CLASSES = [
    ["Diefstal", "-5", "- x", "é"],  # fine
    ["=SUM(A1)", "-x", "+x", "@x", " =x", "-"],  # formulas
    ["\x07bel", "tab\tin", "\ufeffx", "a\x85b", "a\u2028b"],  # control characters
    ["", "  "],
]


def every(classes: list[list[str]]) -> list[str]:
    return [v for values in classes for v in values]


def sample(classes: list[list[str]], turn: int) -> list[str]:
    """One value of every class; ``turn`` picks which, so that formats take different ones."""
    return [values[turn % len(values)] for values in classes]


COUNTS = every(COUNT_CLASSES)
YEARS = every(YEAR_CLASSES)
DATES = every(DATE_CLASSES)
TEXTS = every(TEXT_CLASSES)
REGIONS = [
    " GM0363", "GM0363 ", "GM0363\t", "gm0363", "GM9999", "BU0363000", "GM0363\xa0", "\xa0GM0363",
    "NL02", "NL01", "WK036300", "BU03630000", "GM036٣", "=GM0363", "", "GM0363\u2003",
]  # fmt: skip
CODES = ["1.1.1", "1.1.1 ", " 1.1.1", "9.9.9", "1.1.1\t", "1.1.1\xa0", "", "=1.1.1", "0.0.0"]
TEXTS = [
    "Diefstal", "=SUM(A1)", "-x", "-5", "- x", "+x", "@x", "\x07bel", "tab\tin", "\ufeffx", "",
    "  ", " =x", "a\x85b", "a\u2028b", "-", "é",
]  # fmt: skip
PERIODS = [
    "2023MM01", "2023JJ00", "2023MM13", "2023MM00", "2023KW01", " 2023MM01", "2023MM01 ",
    "1899JJ00", "2999JJ00", "2023mm01", "2023MM1", "",
]  # fmt: skip
FLAGS = ["0", "1", " 1", "2", "", "true", "1\t"]
DATES = [
    "2022-03-01", "", "  ", " 2022-03-01", "2022-03-01 ", "\t2022-03-01", "2022-03-01\xa0",
    "2022-3-1", "2022-02-30", "2024-02-29", "2023-02-29", "01-03-2022", "2022/03/01",
    "2022-03-01T00:00", "20220301", "2020-12-31", "2021-01-01", "2021-12-31", "9999-12-31",
    "0000-01-01", "1899-12-31", "٢٠٢٢-03-01", "２０２２-03-01", "x", "=2022-03-01", "\x01",
]  # fmt: skip
COVERS = [
    "", "2021-06-30", "2021-12-31", "2022-01-01", "2020-12-31", "2021-01-01", " 2021-06-30",
    "2021-13-01", "2022-01-10", "2022-01-09", "2021-6-30", "\t2021-06-30",
]  # fmt: skip
COUNTERS = ["NVB", "politie", " NVB", "nvb", "NVB\t", "NVB\xa0", ""]
LABELS = [
    "1.1.1 Diefstal", "Totaal misdrijven", "1.1.1", "1.1.1  x", "1.1.1\tx", "x 1.1.1",
    "9.9.9 Onbekend", "1.1.1 \xa0x", " Totaal misdrijven ", "1.1.1x", "1.1.1 =x", "1.1.1\xa0x",
]  # fmt: skip


def quoted(value: str) -> str:
    """A field as csv.writer would write it."""
    if any(c in value for c in ',"\r\n') or value != value.strip(" "):
        return '"' + value.replace('"', '""') + '"'
    return value


# format -> (header, valid fields, [(field index, odd values)])
ODD = {
    "cbs": (
        CBS,
        ["7", "1.1.1 ", "GM0363", "2023MM05", "4", ""],
        [(1, CODES), (2, REGIONS), (3, PERIODS), (4, COUNTS), (5, sample(TEXT_CLASSES, 2))],
    ),
    "gemeente": (
        GEMEENTE,
        ["1.1.1", "Woninginbraak", "GM0363", "2021", "4", "0"],
        [(0, CODES), (1, TEXTS), (2, REGIONS), (3, YEARS), (4, COUNTS), (5, FLAGS)],
    ),
    "landelijk": (
        LANDELIJK,
        ["1.1.2 Inbraak", "2021", "4"],
        [(0, LABELS), (1, sample(YEAR_CLASSES, 1)), (2, sample(COUNT_CLASSES, 1))],
    ),
    # a neighbourhood: no plausibility check looks at its inhabitants (a municipality does)
    "bevolking": (
        BEVOLKING,
        ["WK036301", "2019", "4"],
        [(0, REGIONS), (1, sample(YEAR_CLASSES, 2)), (2, sample(COUNT_CLASSES, 2))],
    ),
    "geldautomaten": (
        GELDAUTOMATEN,
        ["2021", "NVB", "plofkraak", "4", "bron"],
        [
            (0, sample(YEAR_CLASSES, 3)),
            (1, COUNTERS),
            (2, TEXTS),
            (3, sample(COUNT_CLASSES, 3)),
            (4, sample(TEXT_CLASSES, 1)),
        ],
    ),
    "gemeente_pub": (
        GEMEENTE_PUB,
        ["1.1.1", "Woninginbraak", "GM0344", "2021", "4", "0", "2022-03-01"],
        [(6, DATES), (3, YEARS)],
    ),
    "landelijk_pub": (
        LANDELIJK_PUB,
        ["1.1.2 Inbraak", "2021", "4", "2022-03-01"],
        [(3, sample(DATE_CLASSES, 1))],
    ),
    "bevolking_pub": (BEVOLKING_PUB, ["WK036303", "2021", "4", "2022-03-01"], [(3, DATES)]),
    "geldautomaten_pub": (
        GELDAUTOMATEN_PUB,
        ["2021", "NVB", "ramkraak", "4", "bron", "2022-01-10", "2021-12-31"],
        [(5, DATES), (6, COVERS), (0, sample(YEAR_CLASSES, 4))],
    ),
    "geldautomaten_covers": (
        GELDAUTOMATEN_COVERS,
        ["2021", "politie", "ramkraak", "4", "bron", "2021-06-30"],
        [(5, COVERS)],
    ),
}
YEAR_FIELD = {
    "cbs": 3,
    "gemeente": 3,
    "landelijk": 1,
    "bevolking": 1,
    "geldautomaten": 0,
    "gemeente_pub": 3,
    "landelijk_pub": 1,
    "bevolking_pub": 1,
    "geldautomaten_pub": 0,
    "geldautomaten_covers": 0,
}
ODD_CASES = [
    (name, index, value)
    for name, (_, _, fields) in ODD.items()
    for index, values in fields
    for value in values
]


def odd_file(name: str, index: int, value: str) -> str:
    header, valid, _ = ODD[name]
    _, rest = VALID[name]
    row = list(valid)
    row[index] = value
    return csv_text(header, [*rest[:2], ",".join(quoted(v) for v in row), *rest[2:]])


@pytest.mark.parametrize(("name", "index", "value"), ODD_CASES)
def test_one_odd_value(name: str, index: int, value: str, tmp_path: Path, stores: dict) -> None:
    both(tmp_path, stores, odd_file(name, index, value))


def test_strict_fast_checks_hand_over_to_the_precise_path(tmp_path: Path, stores: dict) -> None:
    """A count written "\t5" or a year "２０２１" is fine for the precise path: it loads it."""
    for name, index, value in [("bevolking", 2, "\t5"), ("gemeente", 3, "２０２１")]:
        text = odd_file(name, index, value) + "\n"  # other bytes than in test_one_odd_value
        error, route = both(tmp_path, stores, text)
        assert (error, route) == (None, "precies")


# --- the layout of the file -----------------------------------------------------------------

LAYOUTS = {
    "crlf": csv_text(CBS, VALID["cbs"][1], newline="\r\n"),
    "cr_only": csv_text(CBS, VALID["cbs"][1], newline="\r"),
    "mixed_newlines": CBS + "\n" + "\r\n".join(VALID["cbs"][1]) + "\n",
    "bom": "\ufeff" + csv_text(CBS, VALID["cbs"][1]),
    "blank_lines": csv_text(CBS, [VALID["cbs"][1][0], "", VALID["cbs"][1][1], "", ""]),
    "whitespace_line": csv_text(CBS, [VALID["cbs"][1][0], "   ", VALID["cbs"][1][1]]),
    "no_final_newline": csv_text(CBS, VALID["cbs"][1]).rstrip("\n"),
    "trailing_comma": csv_text(BEVOLKING, ["GM0363,2021,5,"]),
    "trailing_commas_all": csv_text(BEVOLKING + ",", ["GM0363,2021,5,", "GM0344,2021,6,"]),
    "missing_field": csv_text(BEVOLKING, ["GM0363,2021,5", "GM0344,2021"]),
    "extra_field": csv_text(BEVOLKING, ["GM0363,2021,5", "GM0344,2021,6,7"]),
    "space_after_quote": csv_text(CBS, ['0,"1.1.1 " ,GM0363,2023MM01,5,']),
    "space_before_quote": csv_text(CBS, ['0, "1.1.1 ",GM0363,2023MM01,5,']),
    "period_quoted_space": csv_text(CBS, ['0,1.1.1,GM0363,"2023MM01" ,5,']),
    "quote_then_text": csv_text(BEVOLKING, ['"GM0363"x,2021,5']),
    "quote_inside": csv_text(BEVOLKING, ['GM03"63,2021,5']),
    "unclosed_quote": csv_text(BEVOLKING, ['"GM0363,2021,5', "GM0344,2021,6"]),
    "quoted_newline_label": csv_text(GEMEENTE, ['1.1.1,"two\nlines",GM0363,2021,4,0']),
    "quoted_everything": csv_text(BEVOLKING, ['"GM0363","2021","5"']),
    "quoted_empty_line": csv_text(BEVOLKING, ["GM0363,2021,5", '""', "GM0344,2021,6"]),
    "duplicate_key": csv_text(BEVOLKING, ["GM0363,2021,5", "GM0344,2021,6", "GM0363,2021,7"]),
    "duplicate_after_trim": csv_text(CBS, ["0,1.1.1 ,GM0363,2023MM01,5,", "1,1.1.1,GM0363,2023MM01,6,"]),
    "duplicate_year_and_month": csv_text(CBS, ["0,1.1.1,GM0363,2023JJ00,5,", "1,1.1.1,GM0363,2023MM01,6,"]),
    "duplicate_of_bad_trim": csv_text(BEVOLKING, ["GM0363\t,2021,5", "GM0363,2021,6", "GM0344,x,1"]),
    "duplicate_of_empty_count": csv_text(CBS, ["0,1.1.1,GM0363,2023MM01,,", "1,1.1.1,GM0363,2023MM01,6,"]),
    "all_counts_empty": csv_text(CBS, ["0,1.1.1,GM0363,2023MM01,,", "1,1.1.1,GM0363,2023MM02,x,"]),
    "header_only": CBS + "\n",
    "duplicate_header_names": csv_text("region_code,year,inhabitants,year", ["GM0363,2021,5,2022"]),
    "nul_in_label": csv_text(GEMEENTE, ["1.1.1,a\x00b,GM0363,2021,4,0"]),
    "nul_in_ignored_column": csv_text(CBS, ["0\x00,1.1.1,GM0363,2023MM01,5,"]),
    "u0001_field": csv_text(BEVOLKING, ["\x01,2021,5"]),
    "hash_lines": csv_text(BEVOLKING, ["#GM0363,2021,5"]),
    "semicolons": csv_text(BEVOLKING, ["GM0363;2021;5"]),
    "long_field": csv_text(GELDAUTOMATEN, ["2021,NVB,plofkraak,4," + "x" * 140_000]),
    "long_line": csv_text(CBS, ["0,1.1.1,GM0363,2023MM01,5," + ("y" * 70_000 + ",") * 2]),
}  # fmt: skip
BYTES = {
    "latin1": (BEVOLKING + "\nGM0363,2021,5\n").encode() + b"GM0344,2021,6\xe9\n",
    "surrogate": (BEVOLKING + "\n").encode() + b"GM0363\xed\xa0\x80,2021,5\n",
    "overlong": (BEVOLKING + "\n").encode() + b"GM0363,2021,5\xc0\xaf\n",
    "bom_in_middle": (BEVOLKING + "\nGM0363,2021,5\n\ufeffGM0344,2021,6\n").encode(),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS) + sorted(BYTES))
def test_layout(name: str, tmp_path: Path, stores: dict) -> None:
    both(tmp_path, stores, LAYOUTS.get(name) or BYTES[name])


def test_spaces_around_quotes_are_left_to_the_precise_path(tmp_path: Path, stores: dict) -> None:
    """DuckDB reads ``"GM0363" ,`` as GM0363 where Python reads ``GM0363 ``: never the fast path."""
    error, route = both(tmp_path, stores, csv_text(BEVOLKING, ['"WK036309" ,2021,5']))
    assert (error, route) == (None, "precies")
    error, route = both(tmp_path, stores, csv_text(CBS, ['0,1.1.1,GM0363,"2023MM01" ,5,']))
    assert error is not None and error[1] == "Perioden"


# --- random files ---------------------------------------------------------------------------


@st.composite
def random_file(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(ODD)))
    header, valid, fields = ODD[name]
    rows = []
    for i in range(draw(st.integers(1, 6))):
        row = list(valid)
        # a distinct key per row: vary the month (open data) or the year (tidy)
        row[YEAR_FIELD[name]] = f"2023MM{i + 1:02d}" if name == "cbs" else str(2010 + i)
        for index, values in fields:
            if draw(st.integers(0, 5)) == 0:
                row[index] = draw(st.sampled_from(values))
        if rows and draw(st.integers(0, 7)) == 0:
            rows.append(draw(st.sampled_from(rows)))  # a repeated line
        line = ",".join(quoted(v) for v in row)
        if draw(st.integers(0, 12)) == 0:
            line += draw(st.sampled_from([",", ",,", "", " "]))
        rows.append(line)
    return csv_text(header, rows, newline=draw(st.sampled_from(["\n", "\n", "\r\n"])))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=random_file())
def test_random_files(text: str, tmp_path: Path, stores: dict) -> None:
    both(tmp_path, stores, text)


# --- the same file twice, and revisions, in every format -------------------------------------

# (first file, revised file: one key of the first again, one new); no stored keys, and no
# figure the plausibility checks would stop (neighbourhoods, a crime code outside the HIC)
REVISIONS = {
    "cbs": (
        ["0,1.1.1 ,BU03630000,1995MM01,150,", "1,1.1.1 ,BU03630000,1995MM02,140,"],
        ["0,1.1.1 ,BU03630000,1995MM02,145,", "1,1.1.1 ,BU03630000,1995MM03,130,"],
    ),
    "gemeente": (
        ["1.1.1,W,WK036300,1995,150,0", "1.1.1,W,WK036300,1996,140,0"],
        ["1.1.1,W,WK036300,1996,145,1", "1.1.1,W,WK036300,1997,130,1"],
    ),
    "landelijk": (
        ["1.1.2 W,1995,150", "1.1.2 W,1996,140"],
        ["1.1.2 W,1996,145", "1.1.2 W,1997,130"],
    ),
    "bevolking": (
        ["WK036300,1995,150", "WK036300,1996,140"],
        ["WK036300,1996,145", "WK036300,1997,130"],
    ),
    "geldautomaten": (
        ["1995,NVB,plofkraak,150,a", "1996,NVB,plofkraak,140,a"],
        ["1996,NVB,plofkraak,145,b", "1997,NVB,plofkraak,130,b"],
    ),
}


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "precise"])
@pytest.mark.parametrize("name", sorted(REVISIONS))
def test_same_file_twice_and_a_revision(
    name: str, fast: bool, tmp_path: Path, loaded_db: Path
) -> None:
    header = VALID[name][0]
    first, revised = (tmp_path / "v1.csv", tmp_path / "v2.csv")
    first.write_text(csv_text(header, REVISIONS[name][0]), "utf-8")
    revised.write_text(csv_text(header, REVISIONS[name][1]), "utf-8")
    con = store.connect(loaded_db)
    r1 = loading.load_file(con, first, fast=fast)
    assert (r1.status, r1.rows) == ("geladen", 2)
    table = loading.TABLES[r1.kind]
    rows_of = f"SELECT * FROM {table} WHERE source_id NOT IN (SELECT unnest(?))"
    others = sorted(con.execute(rows_of, [[r1.source_id]]).fetchall(), key=repr)
    after_first = dump(con)
    again = loading.load_file(con, first, fast=fast)
    assert (again.status, again.source_id) == ("al geladen", r1.source_id)
    assert dump(con) == after_first
    r2 = loading.load_file(con, revised, fast=fast)
    assert (r2.status, r2.rows, r2.replaced, r2.revises) == ("herzien", 2, 1, [r1.source_id])
    counted = con.execute(
        f"SELECT source_id, count(*) FROM {table} WHERE source_id IN (?, ?) GROUP BY 1 ORDER BY 1",
        [r1.source_id, r2.source_id],
    ).fetchall()
    assert counted == [(r1.source_id, 1), (r2.source_id, 2)]
    after = con.execute(rows_of, [[r1.source_id, r2.source_id]]).fetchall()
    assert sorted(after, key=repr) == others  # every other row untouched
    revises = con.execute("SELECT revises FROM sources WHERE id = ?", [r2.source_id]).fetchone()
    assert revises[0] == [r1.source_id]
    # the replaced row is kept, with the source that superseded it
    history = con.execute(
        f"SELECT source_id, superseded_by FROM {table}_history WHERE superseded_by = ?",
        [r2.source_id],
    ).fetchall()
    assert history == [(r1.source_id, r2.source_id)]


# --- columns without a name -----------------------------------------------------------------

UNNAMED = {
    "empty_middle": csv_text("region_code,,year,inhabitants", ["WK036310,,2021,5", "WK036311, ,2021,6"]),
    "value_in_middle": csv_text("region_code,,year,inhabitants", ["WK036310,,2021,5", "WK036311,x,2021,6"]),
    "two_trailing_empty": csv_text(BEVOLKING + ",,", ["WK036312,2021,5,,", "WK036313,2021,6,,"]),
    "two_trailing_value_late": csv_text(
        BEVOLKING + ",,", ["WK036312,2021,5,,", "WK036313,2021,6,,", "WK036314,2021,7,,1.234"]
    ),
    "trailing_value_in_cbs": csv_text(CBS + ",", ["0,1.1.1,BU03630009,2023MM01,5,,", "1,1.1.1,BU03630009,2023MM02,5,,7"]),
    "trailing_tab": csv_text(GEMEENTE + ",", ["1.4.6,Straatroof,WK036300,2020,5,0,\t"]),
    "trailing_nbsp": csv_text(GEMEENTE + ",", ["1.4.6,Straatroof,WK036300,2019,5,0,\xa0"]),
    "trailing_u0001": csv_text(LANDELIJK + ",", ["1.1.2 W,2019,5,\x01"]),
    "quoted_blank": csv_text(GELDAUTOMATEN + ",", ['2015,NVB,ramkraak,5,a," "']),
    "named_like_ours": csv_text("region_code,year,inhabitants,_kolom_4,", ["WK036315,2021,5,a,"]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(UNNAMED))
def test_columns_without_a_name(name: str, tmp_path: Path, stores: dict) -> None:
    """Empty columns without a name are ignored (and reported) on both paths; a value in one
    is refused, naming its line and column, on both paths."""
    error, route = both(tmp_path, stores, UNNAMED[name])
    if "value" in name:
        assert error is not None and error[1].startswith("kolom ")
    elif name == "empty_middle":
        assert (error, route) == (None, "snel")


def test_unnamed_columns_are_reported_by_both_paths(tmp_path: Path, stores: dict) -> None:
    text = csv_text(BEVOLKING + ",,", ["WK036316,2021,5,,", "WK036317,2021,6,,"])
    for fast in (True, False):
        folder = tmp_path / str(fast)
        folder.mkdir()
        result = loading.load_file(stores[fast], _write(folder / "u.csv", text), fast=fast)
        assert result.unnamed_columns == [4, 5]
        assert "kolommen 4 en 5 zonder naam in de kopregel (leeg) genegeerd" in result.summary()
    stores["tables"] = snapshot(stores[False])
    assert snapshot(stores[True]) == stores["tables"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8", newline="")
    return path


# --- plausibility: the same findings, at the same lines, on both paths ---------------------

# Each file trips at least one check; the flagged rows are not on line 2, and a quoted value
# spanning lines or a blank line comes before them (the line is the editor's line).
IMPLAUSIBLE = {
    "national_row": csv_text(GEMEENTE, [
        "1.4.6,Straatroof,GM0344,2019,4,0", '1.4.6,"twee\nregels",GM0363,2019,3,0', "",
        "1.4.6,Straatroof,NL01,2019,2,0",
    ]),
    "abolished_region": csv_text(GEMEENTE, [
        "1.4.6,Straatroof,GM0344,2018,4,0", "1.4.6,Straatroof,GM0756,2024,12,0",
    ]),
    "no_population": csv_text(CBS, [
        "0,1.4.6,GM0344,2019MM01,4,", "1,1.4.6,GM0599,2019MM01,4,", "2,1.4.6,GM0599,2019MM02,4,",
    ]),
    "per_inhabitant": csv_text(GEMEENTE, ["1.4.7,Overval,GM0363,2019,4,0", "1.2.1,x,GM0344,2019,400000,0"]),
    "own_history": csv_text(CBS, [
        "0,1.1.1,GM0344,2015JJ00,50,", "1,1.1.1,GM0344,2016JJ00,60,", "2,1.1.1,GM0344,2017JJ00,55,",
        "3,1.1.1,GM0344,2018JJ00,90000,",
    ]),
    "above_national": csv_text(LANDELIJK, ["1.4.6 Straatroof,2021,3", "1.4.7 Overval,2021,1000"]),
    "population_history": csv_text(BEVOLKING, ["GM0344,1999,350000", "GM0363,1999,87"]),
    "population_abolished": csv_text(BEVOLKING, ["WK036300,2022,5", "GM0756,2024,30000"]),
    "several": csv_text(GEMEENTE, [
        "1.4.6,Straatroof,NL01,2014,2,0", "1.4.6,Straatroof,GM0756,2023,12,0",
        "1.4.6,Straatroof,GM0599,2013,4,0", "1.4.6,Straatroof,GM0344,2014,500000,0",
    ]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(IMPLAUSIBLE))
def test_plausibility_refusals_are_the_same_on_both_paths(
    name: str, tmp_path: Path, stores: dict
) -> None:
    error, _ = both(tmp_path, stores, IMPLAUSIBLE[name])
    assert error is not None and error[0] == "aannemelijkheid", error
    checks = {f[0] for f in error[1]}
    expected = {"population_history": "own_history", "population_abolished": "abolished_region"}
    assert expected.get(name, name) in checks or name == "several", checks
    assert all(f[1] is not None for f in error[1]), error  # every finding has its line


def test_plausibility_lines_are_the_editors_lines(tmp_path: Path, stores: dict) -> None:
    error, _ = both(tmp_path, stores, IMPLAUSIBLE["national_row"])
    # line 3 holds a value over two lines, line 5 is blank: the national row is on line 6
    assert ("national_row", 6, "region_code") in [(f[0], f[1], f[2]) for f in error[1]]


@pytest.mark.parametrize("name", sorted(IMPLAUSIBLE))
def test_accepted_exceptions_are_recorded_alike(name: str, tmp_path: Path, stores: dict) -> None:
    """With ``accept`` both paths load the file and record the same exceptions (lines too)."""
    text = IMPLAUSIBLE[name] + "\n"  # other bytes than the refused file
    error, _ = both(tmp_path, stores, text, accept=True)
    assert error is None
    recorded = stores["tables"]["load_exceptions"]
    assert recorded and all(r[2] is not None or r[1] == "no_population" for r in recorded)


def test_a_fast_load_with_findings_still_takes_the_fast_path(tmp_path: Path, stores: dict) -> None:
    """Findings are located by one more pass over the file; the load stays on the fast path."""
    text = csv_text(GEMEENTE, ["1.4.6,Straatroof,GM0344,2012,4,0", "1.4.6,x,NL01,2012,2,0"])
    path = _write(tmp_path / "nl.csv", text)
    result = loading.load_file(stores[True], path, fast=True, accept=True)
    assert result.route == "snel"
    found = [(f.check, f.line) for f in result.exceptions]
    assert ("national_row", 3) in found
    result = loading.load_file(stores[False], path, fast=False, accept=True)
    assert [(f.check, f.line) for f in result.exceptions] == found
    stores["tables"] = snapshot(stores[False])
    assert snapshot(stores[True]) == stores["tables"]


# --- when the figures became public ------------------------------------------------------------

PUBLISHED = {
    "file_date": dt.date(2022, 5, 1),
    "per_year": loading.Publication(
        default=dt.date(2023, 1, 2), by_year={2010: dt.date(2011, 3, 1), 2011: dt.date(2012, 3, 1)}
    ),
    "too_early": dt.date(2010, 6, 1),  # before the period 2011 began: refused
}


@pytest.mark.parametrize("when", sorted(PUBLISHED))
@pytest.mark.parametrize(
    "name", ["cbs", "gemeente_pub", "landelijk", "bevolking_pub", "geldautomaten_pub"]
)
def test_publication_dates_on_both_paths(
    name: str, when: str, tmp_path: Path, stores: dict
) -> None:
    """A date for the file, or per year, fills in what the rows do not state (a date a row
    states wins); the same availability rows (and ram- en plofkraken dates) on both paths, or
    the same refusal."""
    header, valid, _ = ODD[name]
    columns = header.split(",")
    stated = [i for i, c in enumerate(columns) if c in ("beschikbaar_vanaf", "available_from")]
    rows = []
    for year, day in ((2010, ""), (2011, ""), (2012, "2013-07-01")):
        row = list(valid)
        row[YEAR_FIELD[name]] = f"{year}MM04" if name == "cbs" else str(year)
        for index, column in enumerate(columns):
            if column in ("beschikbaar_vanaf", "available_from", "tot_en_met"):
                row[index] = day if index in stated else ""
        rows.append(",".join(row))
    # other bytes per case (a blank line changes nothing else), so no case is "al geladen"
    text = csv_text(header, rows) + "\n" * (1 + sorted(PUBLISHED).index(when))
    error, _ = both(tmp_path, stores, text, published=PUBLISHED[when])
    if when == "too_early" and name != "geldautomaten_pub":
        assert error is not None and error[1] == "beschikbaar_vanaf"
    else:
        assert error is None, error
