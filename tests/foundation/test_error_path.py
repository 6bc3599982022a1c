"""The one error path: every failure a user can cause or meet ends in a Dutch message that says
what happened and what to do, exit code 1 (130 for Ctrl-C, 2 for usage errors), no traceback,
and a store that is exactly as it was.

The faults are real (tests/foundation/faults.py): a read-only folder (a read-only bind mount,
or chmod for an ordinary user), a mode-444 file for a process without the power to ignore
permission bits, a tmpfs of a few megabytes (or a file-size limit) for a full disk, damaged
and foreign database files built here, a store held open by another program, SIGINT sent to
a real process, an address-space limit for too little memory.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from hicmonitor import store
from hicmonitor.store import engine
from tests.conftest import REPO, dump
from tests.foundation.faults import (
    file_size_limit,
    ordinary_user,
    read_only_folder,
    small_filesystem,
)
from tests.foundation.test_kill import big_cbs_file

ENV = {
    **os.environ,
    "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
    "COLUMNS": "200",
    "MALLOC_ARENA_MAX": "2",
}
INCIDENTS = REPO / "data" / "incidents" / "chicago_be_month1.csv"


# --- helpers -----------------------------------------------------------------------------------


def run(db: Path, *args: str, prefix: list[str] | None = None, preexec=None, timeout: float = 300):
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "hicmonitor", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=ENV,
        preexec_fn=preexec,
        timeout=timeout,
    )


def invoke(db: Path, *args: str):
    """The same command in this process (one interpreter start for many commands)."""
    from typer.testing import CliRunner

    from hicmonitor.cli import app

    return CliRunner(env={"COLUMNS": "200"}).invoke(app, ["--db", str(db), *map(str, args)])


@dataclass
class Ran:
    exit_code: int
    output: str


def cli(db: Path, *args, prefix: list[str] | None = None) -> Ran:
    """In this process, or (``prefix``: a read-only view only a subprocess has) in a subprocess."""
    if prefix is None:
        result = invoke(db, *args)
        return Ran(result.exit_code, result.output)
    proc = run(db, *map(str, args), prefix=prefix)
    return Ran(proc.returncode, proc.stdout + proc.stderr)


def state(db: Path) -> tuple[str, dict]:
    """The file's bytes and every row: both must be unchanged after a failure."""
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    con = store.connect(db, read_only=True)
    try:
        return digest, dump(con)
    finally:
        con.close()


def assert_refused(code: int, text: str, *words: str, expected: int = 1) -> None:
    assert code == expected, text
    assert "fout:" in text, text
    flat = " ".join(text.split())
    for word in words:
        assert word in flat, f"{word!r} not in {flat!r}"
    assert "Traceback" not in text


def cbs_file(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    """A small open-data file: (region, period, count) rows of woninginbraak."""
    lines = ["ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1"]
    lines += [f"{i},1.1.1 ,{r},{p},{c}" for i, (r, p, c) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def tidy_population(path: Path, rows: int) -> Path:
    """A valid tidy population file of ``rows`` rows (precise path)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("region_code,year,inhabitants\n")
        for i in range(rows):
            fh.write(f"WK{i:06d},{1950 + i % 70},{i % 5000}\n")
    return path


def private_copies(db: Path) -> list[Path]:
    return engine.private_copies(db)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 million rows in the open-data format (the fast path)."""
    return big_cbs_file(tmp_path_factory.mktemp("groot") / "groot.csv", 3_000_000)


# --- read-only ---------------------------------------------------------------------------------


def test_every_read_command_works_on_a_read_only_folder(tmp_path: Path, loaded_db: Path) -> None:
    folder = tmp_path / "opslag"
    folder.mkdir()
    db = folder / "hic.duckdb"
    shutil.copy(loaded_db, db)
    loaded = invoke(db, "nabijheid", "laad", INCIDENTS)
    assert loaded.exit_code == 0, loaded.output
    source = loaded.output.split()[1].rstrip(":")  # "bron 9: … incidenten geladen …"
    out = tmp_path / "uit"
    out.mkdir()
    before = state(db)
    listing = sorted(p.name for p in folder.iterdir())
    with read_only_folder(folder) as (ro, prefix):
        ro_db = ro / db.name
        commands = [
            ["status"],
            ["cijfers"],
            ["cijfers", "--regio", "Amsterdam", "--categorie", "woninginbraak"],
            ["cijfers", "--regio", "GM0363", "--formaat", "csv", "--uit", out / "a.csv"],
            ["trend", "--regio", "GM0363", "--categorie", "woninginbraak"],
            ["vergelijk", "GM0363", "--categorie", "woninginbraak"],
            ["afstemming"],
            ["maatregelen"],
            ["moties"],
            ["wetgeving"],
            ["catalogus", "controleer"],
            ["nabijheid", "bronnen"],
            ["nabijheid", "analyse", "--bron", source, "--permutaties", "19", "--zaad", "1"],
            ["nabijheid", "herhaling", "--bron", source],
            ["rapport", "--jaar", "2023", "--uit", out, "--formaat", "html"],
        ]
        for args in commands:
            result = cli(ro_db, *args, prefix=prefix)
            assert result.exit_code == 0, (args, result.output)
            assert "fout:" not in result.output, (args, result.output)
        refused = cli(
            ro_db, "laad", REPO / "data" / "nl" / "population_gemeente_yearly.csv", prefix=prefix
        )
        assert_refused(refused.exit_code, refused.output, "alleen-lezen", "lezen kan")
    assert sorted(p.name for p in folder.iterdir()) == listing  # no lock, WAL or copy
    assert state(db) == before


def test_mode_444_store_reads_and_refuses_loads(tmp_path: Path, loaded_db: Path) -> None:
    folder = tmp_path / "opslag"
    folder.mkdir()
    db = folder / "hic.duckdb"
    shutil.copy(loaded_db, db)
    db.chmod(0o444)
    before = state(db)
    listing = sorted(p.name for p in folder.iterdir())
    user = ordinary_user()
    shown = run(db, "cijfers", "--regio", "GM0363", prefix=user)
    assert shown.returncode == 0, shown.stderr
    assert "Amsterdam" in shown.stdout
    refused = run(
        db, "laad", str(cbs_file(tmp_path / "n.csv", [("GM0363", "2024MM01", 1)])), prefix=user
    )
    assert_refused(refused.returncode, refused.stderr, "alleen-lezen", "chmod u+w")
    assert state(db) == before
    assert sorted(p.name for p in folder.iterdir()) == listing


# --- full disk ---------------------------------------------------------------------------------


def test_full_disk_on_precise_path_bulk_path_and_copy(
    tmp_path: Path, loaded_db: Path, big_file: Path
) -> None:
    size = loaded_db.stat().st_size
    precise = tidy_population(tmp_path / "bevolking.csv", 200_000)
    with small_filesystem(tmp_path, (2 * size + 512 * 1024) / 2**20) as fs:
        where = fs if fs is not None else tmp_path / "limiet"
        where.mkdir(exist_ok=True)
        db = where / "hic.duckdb"
        shutil.copy(loaded_db, db)
        before = state(db)
        limit = None if fs is not None else file_size_limit(size + 256 * 1024)
        for data in (precise, big_file):
            result = run(db, "laad", str(data), preexec=limit)
            assert_refused(
                result.returncode, result.stderr, "schijf is vol", str(db), "niets gewijzigd"
            )
            assert "onleesbaar" not in result.stderr and data.name not in result.stderr
            assert state(db) == before
            assert not private_copies(db)
        if fs is not None:  # now not even the copy of the store fits
            filler = fs / "vulling"
            with filler.open("wb") as fh:
                with pytest.raises(OSError):
                    while True:
                        fh.write(b"\0" * (1 << 20))
                        fh.flush()
            filler.write_bytes(b"\0" * 0)  # free it again, then leave less than the store
            filler.write_bytes(b"\0" * (fs_free(fs) - size // 2))
            small = cbs_file(tmp_path / "klein.csv", [("GM0363", "2024MM01", 1)])
            result = run(db, "laad", str(small))
            assert_refused(result.returncode, result.stderr, "schijf is vol", str(db))
            assert state(db) == before
            assert not private_copies(db)


def fs_free(path: Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def test_full_disk_when_writing_output(tmp_path: Path, loaded_db: Path) -> None:
    with small_filesystem(tmp_path, 1) as fs:
        if fs is None:
            pytest.skip("covered by the read-only folder test; a full disk needs a small tmpfs")
        (fs / "vulling").write_bytes(b"\0" * fs_free(fs))
        with pytest.raises(OSError):
            (fs / "meer").write_bytes(b"\0" * 8192)
        cases = [
            ["cijfers", "--regio", "GM0363", "--formaat", "csv", "--uit", fs / "a.csv"],
            ["cijfers", "--regio", "GM0363", "--formaat", "json", "--uit", fs / "a.json"],
            ["cijfers", "--regio", "GM0363", "--formaat", "parquet", "--uit", fs / "a.parquet"],
            ["cijfers", "--regio", "GM0363", "--formaat", "xlsx", "--uit", fs / "a.xlsx"],
            ["maatregelen", "--formaat", "csv", "--uit", fs / "m.csv"],
            [
                "trend",
                "--regio",
                "GM0363",
                "--categorie",
                "woninginbraak",
                "--grafiek",
                fs / "t.svg",
            ],
            ["rapport", "--jaar", "2023", "--formaat", "html", "--uit", fs],
        ]
        for args in cases:
            result = invoke(loaded_db, *args)
            assert_refused(result.exit_code, result.output, "schijf is vol")
            assert str(args[-1]) in result.output.replace("\n", ""), result.output  # names it
        # the exports leave no half-written file behind
        for name in ("a.csv", "a.json", "a.parquet", "a.xlsx", "m.csv"):
            assert not (fs / name).exists(), name
        assert not [p for p in fs.iterdir() if ".nieuw-" in p.name]


# --- unwritable output folder --------------------------------------------------------------------


def test_unwritable_output_folder(tmp_path: Path, loaded_db: Path) -> None:
    folder = tmp_path / "uitvoer"
    folder.mkdir()
    with read_only_folder(folder) as (ro, prefix):
        cases = [
            ["cijfers", "--regio", "GM0363", "--formaat", "csv", "--uit", ro / "a.csv"],
            ["cijfers", "--regio", "GM0363", "--formaat", "json", "--uit", ro / "a.json"],
            ["cijfers", "--regio", "GM0363", "--formaat", "parquet", "--uit", ro / "a.parquet"],
            ["cijfers", "--regio", "GM0363", "--formaat", "xlsx", "--uit", ro / "a.xlsx"],
            ["cijfers", "--uit", ro / "nieuw" / "a.csv"],
            ["maatregelen", "--formaat", "csv", "--uit", ro / "m.csv"],
            ["moties", "--formaat", "json", "--uit", ro / "m.json"],
            ["wetgeving", "--formaat", "xlsx", "--uit", ro / "w.xlsx"],
            [
                "trend",
                "--regio",
                "GM0363",
                "--categorie",
                "woninginbraak",
                "--grafiek",
                ro / "t.svg",
            ],
            ["trend", "--regio", "GM0363", "--categorie", "woninginbraak", "--grafiek", ro],
            ["rapport", "--jaar", "2023", "--uit", ro, "--formaat", "html"],
            [
                "nabijheid",
                "analyse",
                INCIDENTS,
                "--permutaties",
                "9",
                "--formaat",
                "csv",
                "--uitvoer",
                ro / "k.csv",
            ],
            ["nabijheid", "analyse", INCIDENTS, "--permutaties", "9", "--kaart", ro / "k.png"],
            ["nabijheid", "herhaling", INCIDENTS, "--formaat", "json", "--uitvoer", ro / "h.json"],
        ]
        for args in cases:
            result = cli(loaded_db, *args, prefix=prefix)
            assert_refused(result.exit_code, result.output, "(bijvoorbeeld met --uit)")
            assert str(ro) in result.output.replace("\n", "")


def test_unwritable_output_folder_for_haal_and_woo(tmp_path: Path, loaded_db: Path) -> None:
    from tests.sources.odata_server import ODataServer, crime_table
    from tests.woo.docxbuild import Doc, para

    document = Doc(body=[para("Aan de voorzitter van de Tweede Kamer.")]).save(
        tmp_path / "brief.docx"
    )
    before = state(loaded_db)
    folder = tmp_path / "uitvoer"
    folder.mkdir()
    with (
        read_only_folder(folder) as (ro, prefix),
        ODataServer([crime_table()], page_size=40) as server,
    ):
        cases = [
            ["haal", "47022NED", "--basis-url", server.url, "--uit", ro / "tabel.csv"],
            ["woo", document, "--uit", ro / "publicatie"],
        ]
        for args in cases:
            result = cli(loaded_db, *args, prefix=prefix)
            assert_refused(result.exit_code, result.output, "(bijvoorbeeld met --uit)")
    assert state(loaded_db) == before  # haal loaded nothing
    assert not private_copies(loaded_db)


# --- damaged and foreign database files ----------------------------------------------------------


def _counts_block_offset(db: Path) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        block = con.execute(
            "SELECT min(block_id) FROM pragma_storage_info('counts') WHERE block_id >= 0"
        ).fetchone()[0]
        size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    finally:
        con.close()
    return engine.HEADER_BYTES + block * size, size


def make_damaged(kind: str, path: Path, loaded_db: Path) -> Path:
    if kind == "afgebroken":
        shutil.copy(loaded_db, path)
        offset, _ = _counts_block_offset(path)
        os.truncate(path, offset + 1000)
    elif kind == "kapot blok":
        shutil.copy(loaded_db, path)
        offset, size = _counts_block_offset(path)
        with path.open("r+b") as fh:
            fh.seek(offset + size // 2)
            fh.write(b"\xff" * 4096)
    elif kind == "andere meta":
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE meta (naam VARCHAR, waarde INTEGER)")
        con.execute("INSERT INTO meta VALUES ('versie', 2)")
        con.close()
    elif kind in ("versie geen getal", "nieuwere versie"):
        shutil.copy(loaded_db, path)
        con = duckdb.connect(str(path))
        value = "twee" if kind == "versie geen getal" else "99"
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [value])
        con.close()
    elif kind == "alleen meta":
        con = duckdb.connect(str(path))
        con.execute(store.SCHEMA_V1.split(";")[0])
        con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
        con.close()
    elif kind == "andere database":
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE klanten (id INTEGER)")
        con.close()
    elif kind == "sqlite":
        lite = sqlite3.connect(path)
        lite.execute("CREATE TABLE counts (x)")
        lite.commit()
        lite.close()
    elif kind == "tekst":
        path.write_text("region_code,year\n", "utf-8")
    elif kind == "leeg":
        path.write_bytes(b"")
    elif kind == "map":
        path.mkdir()
    return path


DAMAGED = {
    "afgebroken": "beschadigd",
    "kapot blok": "beschadigd",
    "andere meta": "de tabel meta heeft kolommen (naam, waarde)",
    "versie geen getal": "schemaversie 'twee' in de tabel meta is geen getal",
    "nieuwere versie": "nieuwer dan deze hicmonitor kent",
    "alleen meta": "onvolledige hicmonitor-database",
    "andere database": "geen hicmonitor-database (tabellen klanten",
    "sqlite": "SQLite-database, geen DuckDB-database",
    "tekst": "geen DuckDB-database",
    "leeg": "het bestand is leeg",
    "map": "dit is een map",
}


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_damaged_or_foreign_database(kind: str, tmp_path: Path, loaded_db: Path) -> None:
    folder = tmp_path / "opslag"
    folder.mkdir()
    db = make_damaged(kind, folder / "hic.duckdb", loaded_db)
    before = sorted(os.listdir(folder))
    digest = None if db.is_dir() else hashlib.sha256(db.read_bytes()).hexdigest()
    # a revision of a stored key: the load must read the stored counts
    revision = cbs_file(tmp_path / "herziening.csv", [("GM0363", "2023JJ00", 1)])
    for args in (["cijfers"], ["status"], ["laad", revision]):
        result = invoke(db, *args)
        assert_refused(result.exit_code, result.output, DAMAGED[kind])
        if kind != "map":
            assert str(db) in result.output.replace("\n", "")
    if digest is not None:
        assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert [p for p in sorted(os.listdir(folder)) if p != f".{db.name}.lock"] == before
    assert not private_copies(db)


def test_duckdb_never_loads_or_fetches_an_extension(tmp_path: Path) -> None:
    """Every connection has autoloading and autoinstalling off; a SQLite file opened past our
    own check fails without DuckDB fetching anything (no extension folder appears)."""
    lite = make_damaged("sqlite", tmp_path / "lite.db", tmp_path)
    code = (
        "from pathlib import Path\n"
        "from hicmonitor.store import engine\n"
        "con = engine.memory()\n"
        'print(sorted(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN '
        "('autoload_known_extensions', 'autoinstall_known_extensions')\").fetchall()))\n"
        "try:\n"
        f"    con.execute(\"ATTACH '{lite}' AS x (READ_ONLY)\")\n"
        "except Exception as exc:\n"
        "    print('geweigerd', type(exc).__name__)\n"
    )
    home = tmp_path / "home"
    home.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**ENV, "HOME": str(home)}
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        "('autoinstall_known_extensions', 'false'), ('autoload_known_extensions', 'false')"
        in proc.stdout
    )
    assert "geweigerd" in proc.stdout
    assert not (home / ".duckdb").exists()


# --- a store held by another program -----------------------------------------------------------


def test_store_held_open_for_writing_by_another_program(tmp_path: Path, loaded_db: Path) -> None:
    before = state(loaded_db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time\ncon = duckdb.connect({str(loaded_db)!r})\nprint('open', flush=True)\ntime.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        for args in (
            ["cijfers"],
            ["laad", str(cbs_file(tmp_path / "n.csv", [("GM0363", "2024MM01", 1)]))],
        ):
            result = run(loaded_db, *args)
            assert_refused(
                result.returncode,
                result.stderr,
                "in gebruik door een ander programma",
                "probeer opnieuw",
            )
    finally:
        holder.kill()
        holder.wait()
    assert state(loaded_db) == before
    assert not private_copies(loaded_db)


# --- Ctrl-C --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path_kind", ["precise", "bulk"])
def test_sigint_during_a_load(
    path_kind: str, tmp_path: Path, loaded_db: Path, big_file: Path
) -> None:
    data = big_file if path_kind == "bulk" else tidy_population(tmp_path / "bevolking.csv", 600_000)
    before = state(loaded_db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hicmonitor", "--db", str(loaded_db), "laad", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        # A shell without job control starts background jobs with SIGINT ignored, and Python
        # then installs no Ctrl-C handler: give the load the terminal's default, as a user has.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not private_copies(loaded_db):  # the load has started
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(1.0)
    assert proc.poll() is None, "the load ended before Ctrl-C; use a bigger file"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert_refused(proc.returncode, err, "onderbroken (Ctrl-C)", "niets gewijzigd", expected=130)
    assert state(loaded_db) == before
    assert not private_copies(loaded_db)


# --- too little memory -------------------------------------------------------------------------


def test_out_of_memory_during_a_bulk_load(tmp_path: Path, loaded_db: Path, big_file: Path) -> None:
    """An address-space limit makes DuckDB's or Python's allocations fail: a Dutch message.

    The limit that leaves room to start but not to load differs per machine; the smallest
    of a few at which the command gets as far as its own error handler is used.
    """
    before = state(loaded_db)
    seen = []
    for megabytes in (700, 900, 1100, 1300, 1600):
        limit = megabytes * 2**20

        def cap(limit: int = limit) -> None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        result = run(loaded_db, "laad", str(big_file), preexec=cap)
        seen.append((megabytes, result.returncode, result.stderr[-300:]))
        if "fout:" in result.stderr:
            assert_refused(
                result.returncode, result.stderr, "onvoldoende geheugen", "niets gewijzigd"
            )
            break
        assert result.returncode != 0, f"loaded within {megabytes} MB: {seen}"
    else:
        pytest.fail(f"no limit reached the error handler: {seen}")
    assert state(loaded_db) == before
    assert not private_copies(loaded_db)


# --- caps on what is echoed and read ---------------------------------------------------------------


def test_long_arguments_are_echoed_cut(loaded_db: Path) -> None:
    long = "x" * 100_000
    result = invoke(loaded_db, "cijfers", "--regio", long)
    assert_refused(result.exit_code, result.output, "(100.000 tekens)")
    assert len(result.output) < 3000
    usage = invoke(loaded_db, "nabijheid", "analyse", "--permutaties", long)
    assert usage.exit_code == 2 and "(100.000 tekens)" in usage.output and len(usage.output) < 3000
    unknown = invoke(loaded_db, "cijfers", "--" + long)
    assert unknown.exit_code == 2 and "Onbekende optie" in unknown.output
    assert len(unknown.output) < 3000


def test_a_twelve_megabyte_field_is_refused_with_its_line(tmp_path: Path, loaded_db: Path) -> None:
    data = tmp_path / "groot_veld.csv"
    with data.open("w", encoding="utf-8") as fh:
        fh.write("region_code,year,inhabitants\nGM0363,2020,5\n")
        fh.write('GM0363,2021,"' + "9" * 12_000_000 + '"\n')
    before = state(loaded_db)
    result = invoke(loaded_db, "laad", data)
    assert_refused(result.exit_code, result.output, "regel 3", "langer dan 131.072 tekens")
    assert len(result.output) < 3000
    assert state(loaded_db) == before


def test_every_connection_goes_through_the_engine() -> None:
    """Only store/engine.py calls duckdb.connect, so every connection has extensions off."""
    import ast

    callers = []
    for source in (REPO / "src" / "hicmonitor").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "duckdb"
            ):
                callers.append(source.relative_to(REPO).as_posix())
    assert callers and set(callers) == {"src/hicmonitor/store/engine.py"}, callers


def test_markup_in_an_argument_is_echoed_as_text(loaded_db: Path) -> None:
    """Rich markup in user input ("[/]") used to end in a MarkupError traceback."""
    result = invoke(loaded_db, "cijfers", "--regio", "[/]")
    assert_refused(result.exit_code, result.output, "onbekende regio '[/]'")


def test_a_question_without_an_answer_is_not_called_ctrl_c(tmp_path: Path) -> None:
    """Click aborts on the end of input during a prompt as it does on Ctrl-C: a password piped
    once (the confirmation finds no input) is the end of input, with the way out."""
    db = tmp_path / "hic.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), "gebruiker", "maak", "anna"]
        + ["--naam", "Anna Opsteller", "--rol", "opsteller"],
        input="Wachtwoord-2026-lang!\n",
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    text = " ".join(proc.stderr.split())
    assert_refused(proc.returncode, text, "de invoer eindigde", "--wachtwoord-stdin")
    assert "Ctrl-C" not in text and "Traceback" not in text
    listed = subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), "gebruiker", "lijst"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert "anna" not in listed.stdout
