"""The shape of the code (DESIGN.md, "Shape of the code"), checked on the source itself.

Data flows one way: sources -> store -> analysis -> services -> cli / web. The import graph
is read from the AST of every module of ``src/hicmonitor`` (imports inside functions count
too, and so do imports under ``TYPE_CHECKING``), so no module has to be imported to check it.

1. no import cycles between hicmonitor modules;
2. nothing imports ``hicmonitor.cli`` or ``hicmonitor.web`` except those packages themselves
   (and ``hicmonitor/__main__.py``, the entry point of ``python -m hicmonitor``);
3. no SQL in ``cli/`` and ``web/``: no database driver imported, no ``.execute(`` or
   ``.sql(`` call, no SQL statement in a string;
4. the layers: ``sources/`` does not import the store (nor anything above it); ``analysis/``
   holds pure functions on frames (no store, sources, reports, services, cli); the store does
   not import what builds on it; ``workflow/`` (the memo's route) imports only ``woo`` (the
   text of a document) and ``errors`` of the rest;
5. the workflow store's drivers (SQLAlchemy, Alembic, psycopg) are imported in ``workflow/``
   only: the services call its repository, the front ends call the services.

Each rule is also run once on a small package with a planted violation, so a checker that
finds nothing cannot pass unnoticed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

ROOT = REPO / "src"
PACKAGE = "hicmonitor"

# --- reading the import graph ----------------------------------------------------------------


def modules(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``package`` under ``root``."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_package(name: str, mods: dict[str, Path]) -> bool:
    return mods[name].name == "__init__.py"


def imported(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """The modules of the package that module ``name`` imports, anywhere in its body.

    ``from a.b import c`` counts as an import of ``a.b.c`` when that is a module, else of
    ``a.b``; relative imports are resolved against the module's package.
    """
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    here = name if _is_package(name, mods) else name.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str) -> None:
        # the longest prefix of ``target`` that is one of our modules
        while target and target not in mods:
            target = target.rpartition(".")[0]
        if target:
            found.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                full = f"{module}.{alias.name}"
                add(full if full in mods else module)
    found.discard(name)
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    mods = modules(root, package)
    return {name: imported(name, path, mods) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def forbidden_imports(
    graph: dict[str, set[str]], importer: str, banned: tuple[str, ...]
) -> list[str]:
    """``module -> target`` for every module in package ``importer`` importing a banned one."""
    return [
        f"{m} -> {t}"
        for m, targets in sorted(graph.items())
        if _inside(m, importer)
        for t in sorted(targets)
        if any(_inside(t, b) for b in banned)
    ]


def front_end_imports(graph: dict[str, set[str]], package: str) -> list[str]:
    """Imports of cli/web from outside them (the entry point ``__main__`` excepted)."""
    ends = (f"{package}.cli", f"{package}.web")
    return [
        f"{m} -> {t}"
        for m, targets in sorted(graph.items())
        if not any(_inside(m, e) for e in ends) and m != f"{package}.__main__"
        for t in sorted(targets)
        if any(_inside(t, e) for e in ends)
    ]


SQL = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\b[\s\S]*\bSET|DELETE\s+FROM|"
    r"CREATE\s+(TABLE|VIEW|INDEX|SEQUENCE)|ALTER\s+TABLE|DROP\s+(TABLE|VIEW))\b"
)
DB_MODULES = ("duckdb", "sqlite3", "sqlalchemy", "psycopg", "psycopg2")
DB_CALLS = ("execute", "executemany", "executescript", "sql", "query", "read_sql")


def sql_in(path: Path) -> list[str]:
    """Where a module talks to a database itself: driver imports, query calls, SQL strings."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for n in names:
                if n and n.split(".")[0] in DB_MODULES:
                    found.append(f"{path.name}:{node.lineno}: imports {n}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in DB_CALLS:
                found.append(f"{path.name}:{node.lineno}: .{node.func.attr}(")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL.search(node.value):
                found.append(f"{path.name}:{node.lineno}: SQL {node.value[:40]!r}")
    return found


def sql_in_packages(root: Path, package: str, subpackages: tuple[str, ...]) -> list[str]:
    found = []
    for sub in subpackages:
        folder = root / package / sub
        for path in sorted(folder.rglob("*.py")) if folder.exists() else []:
            found += sql_in(path)
    return found


# The layers (rule 4): package -> what it must not import.
LAYERS: dict[str, tuple[str, ...]] = {
    "sources": ("store", "services", "analysis", "reports", "woo", "catalog", "cli", "web"),
    "analysis": ("store", "sources", "reports", "services", "woo", "catalog", "cli", "web"),
    "store": ("services", "analysis", "reports", "woo", "catalog", "cli", "web"),
    "catalog": ("store", "services", "reports", "woo", "cli", "web"),
    "reports": ("services", "woo", "cli", "web"),
    "woo": ("services", "cli", "web"),
    "workflow": ("services", "cli", "web", "store", "sources", "analysis", "catalog", "reports"),
}


def layer_violations(graph: dict[str, set[str]], package: str) -> list[str]:
    out = []
    for layer, banned in LAYERS.items():
        out += forbidden_imports(
            graph, f"{package}.{layer}", tuple(f"{package}.{b}" for b in banned)
        )
    return out


WORKFLOW_DRIVERS = ("sqlalchemy", "alembic", "psycopg", "psycopg2")


def driver_imports(root: Path, package: str, home: str = "workflow") -> list[str]:
    """Modules outside ``package.home`` that import a workflow-store driver."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        rel = path.relative_to(root / package)
        if rel.parts[0] == home:
            continue
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                )
                for n in names:
                    if n and n.split(".")[0] in WORKFLOW_DRIVERS:
                        found.append(f"{rel}:{node.lineno}: imports {n}")
    return found


# --- the rules on hicmonitor ----------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT, PACKAGE)


def test_the_graph_is_read(graph) -> None:
    # a sanity check on the reader: known edges, including one inside a function
    assert "hicmonitor.store" in graph["hicmonitor.store.loading"]
    assert "hicmonitor.services.database" in graph["hicmonitor.cli.common"]  # in a function
    assert len(graph) > 60


def test_no_import_cycles(graph) -> None:
    assert cycles(graph) == []


def test_nothing_imports_the_cli_or_the_web(graph) -> None:
    assert front_end_imports(graph, PACKAGE) == []


def test_no_sql_in_the_cli_and_the_web() -> None:
    assert sql_in_packages(ROOT, PACKAGE, ("cli", "web")) == []


def test_layers(graph) -> None:
    assert layer_violations(graph, PACKAGE) == []


def test_the_workflow_stores_drivers_stay_in_the_workflow_package(graph) -> None:
    assert driver_imports(ROOT, PACKAGE) == []
    # the web reaches the workflow only through the services
    assert forbidden_imports(graph, f"{PACKAGE}.web", (f"{PACKAGE}.workflow",)) == []
    assert forbidden_imports(graph, f"{PACKAGE}.cli", (f"{PACKAGE}.workflow",)) == []
    assert "hicmonitor.workflow.repository" in graph["hicmonitor.services.dossiers"]


# --- each checker finds a planted violation -------------------------------------------------


def _plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    for folder in [root / "pkg", *(p for p in (root / "pkg").rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return root


def test_checkers_find_planted_violations(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "a.py": "def f():\n    from pkg import b\n",  # a cycle through a function body
            "b.py": "from . import a\n",
            "sources/reader.py": "from pkg.store import queries\n",
            "store/queries.py": "X = 1\n",
            "analysis/trend.py": "import pkg.services.x\n",
            "services/x.py": "from pkg.cli.common import app\n",
            "cli/common.py": "def f(con):\n    return con.execute('SELECT 1 FROM t')\n",
            "web/app.py": "import duckdb\nQ = 'INSERT INTO t VALUES (1)'\n",
            "workflow/models.py": "import sqlalchemy\n",
            "services/dossiers.py": "from sqlalchemy.orm import Session\n",
        },
    )
    g = import_graph(root, "pkg")
    assert cycles(g) == [["pkg.a", "pkg.b"]]
    assert front_end_imports(g, "pkg") == ["pkg.services.x -> pkg.cli.common"]
    sql = sql_in_packages(root, "pkg", ("cli", "web"))
    assert sorted(s.split(":")[0] for s in sql) == ["app.py", "app.py", "common.py", "common.py"]
    assert layer_violations(g, "pkg") == [
        "pkg.sources.reader -> pkg.store.queries",
        "pkg.analysis.trend -> pkg.services.x",
    ]
    assert driver_imports(root, "pkg") == ["services/dossiers.py:1: imports sqlalchemy.orm"]


def test_hic_help_starts_without_the_heavy_libraries() -> None:
    # `hic --help` must stay fast: the command modules import their services when they run
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from hicmonitor.cli import main\n"
        "sys.argv = ['hic', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in ('pandas', 'duckdb', 'numpy', 'matplotlib')"
        " if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Opdrachten" in proc.stdout  # the Dutch panel title
    assert proc.stdout.strip().splitlines()[-1] == "LOADED []"
