"""Typer's own texts are Dutch: help screens, usage errors (exit code 2), with no system locale.

The Dutch comes from one gettext catalogue (src/hicmonitor/cli/locale/nl/LC_MESSAGES): the
texts Typer marks for gettext are looked up by Typer itself; the texts of the Click code
inside Typer are put in Dutch by hicmonitor.cli.i18n with the same catalogue.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from hicmonitor.cli import i18n
from tests.conftest import REPO

CATALOGUE = i18n.LOCALEDIR / "nl" / "LC_MESSAGES"
ENGLISH = (
    "Show this message",
    "Usage:",
    "Options",
    "Arguments",
    "Commands",
    "[default:",
    "[required]",
    "<str>",
    "<int>",
    "<float>",
    "<path>",
    "<Path>",
    "<bool>",
    "list[",
    "[OPTIONS]",
    "COMMAND [ARGS]",
    "Error",
    "Invalid value",
    "No such",
    "Missing",
    "Try '",
    "Input should",
)


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (single and continued lines, escapes)."""
    entries: dict[str, str] = {}
    key = None
    current: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines() + [""]:
        line = line.strip()
        if line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line and "msgstr" in current:
            if current.get("msgid"):
                entries[current["msgid"]] = current["msgstr"]
            current, key = {}, None
    return entries


def typer_gettext_ids() -> set[str]:
    """Every text the installed Typer passes to gettext's ``_``."""
    found = set()
    for source in Path(typer.__file__).parent.rglob("*.py"):
        tree = ast.parse(source.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_compiled_catalogue_matches_its_source() -> None:
    po = read_po(CATALOGUE / "messages.po")
    assert len(po) > 60
    with (CATALOGUE / "messages.mo").open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for msgid, msgstr in po.items():
        assert msgstr, f"untranslated: {msgid!r}"
        assert mo.gettext(msgid) == msgstr, f"messages.mo is stale for {msgid!r}: make translations"


def test_every_gettext_text_of_typer_is_translated() -> None:
    po = read_po(CATALOGUE / "messages.po")
    missing = sorted(typer_gettext_ids() - set(po))
    assert not missing, f"add these Typer texts to messages.po: {missing}"
    assert len(typer_gettext_ids()) >= 15  # the scan finds Typer's texts at all


def command_paths() -> list[list[str]]:
    from hicmonitor.cli import app

    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(group, prefix: list[str]) -> None:
        for name, cmd in sorted(getattr(group, "commands", {}).items()):
            paths.append([*prefix, name])
            walk(cmd, [*prefix, name])

    walk(root, [])
    return paths


def invoke(*args: str, env: dict[str, str] | None = None):
    from typer.testing import CliRunner

    from hicmonitor.cli import app

    return CliRunner(env={"COLUMNS": "200", **(env or {})}).invoke(app, list(args))


def test_every_help_screen_is_dutch() -> None:
    paths = command_paths()
    assert len(paths) > 15
    for path in paths:
        result = invoke(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        text = result.output
        assert "Gebruik:" in text and "Toon deze hulp en stop." in text, (path, text)
        for word in ENGLISH:
            assert word not in text, (path, word, text)


USAGE_ERRORS = [
    (["laad"], "Het argument 'bestanden' ontbreekt."),
    (["cijfers", "--foo"], "Onbekende optie: --foo"),
    (["cijfers", "--regio"], "De optie '--regio' vraagt een waarde."),
    (["nabijheid", "analyse", "--permutaties", "veel"], "'veel' is geen geheel getal."),
    (["nabijheid", "analyse", "--permutaties", "2.5"], "'2.5' is geen geheel getal."),
    (["laad", "x.csv", "--wacht", "-3"], "'-3' moet minstens 0"),
    (["rapport", "--jaar", "twintig"], "'twintig' is geen geheel getal."),
    (["frobniceer"], "Onbekende opdracht 'frobniceer'."),
    (["status", "extra"], "Onverwachte extra argumenten (extra)"),
    (["nabijheid", "frobniceer"], "Onbekende opdracht 'frobniceer'."),
]


@pytest.mark.parametrize(("args", "dutch"), USAGE_ERRORS)
def test_usage_errors_are_dutch_with_exit_code_2(args: list[str], dutch: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Fout:" in result.output and dutch in result.output, result.output
    assert "Gebruik:" in result.output or "--help' voor hulp." in result.output
    for word in ENGLISH:
        assert word not in result.output, (word, result.output)


def test_dutch_without_any_locale_and_against_an_english_one() -> None:
    """A real process with no locale at all, and one asking for English messages."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    base["PYTHONPATH"] = f"{REPO / 'src'}{os.pathsep}{REPO}"
    for extra in ({}, {"LANG": "C", "LC_ALL": "C"}, {"LANGUAGE": "en", "LANG": "en_US.UTF-8"}):
        proc = subprocess.run(
            [sys.executable, "-m", "hicmonitor", "laad", "--wacht", "x"],
            capture_output=True,
            text=True,
            env={**base, **extra, "COLUMNS": "200"},
        )
        assert proc.returncode == 2
        assert "Fout: Ongeldige waarde voor '--wacht': 'x' is geen getal." in proc.stderr, (
            proc.stderr
        )
        assert re.search(r"Zie '.* laad --help' voor hulp\.", proc.stderr)
        helped = subprocess.run(
            [sys.executable, "-m", "hicmonitor", "--help"],
            capture_output=True,
            text=True,
            env={**base, **extra, "COLUMNS": "200"},
        )
        assert "Opdrachten" in helped.stdout and "Commands" not in helped.stdout
