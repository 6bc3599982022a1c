"""Loading data into the store: files (`hic laad`) and CBS tables (`hic haal`).

``load_file`` lands one file in one transaction (see :mod:`hicmonitor.store.loading`);
``fetch`` downloads a CBS table (:mod:`hicmonitor.sources.cbs_download`) and
``load_download`` converts it, writes the CSV and loads it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hicmonitor.errors import HicError
from hicmonitor.sources import cbs_download
from hicmonitor.sources.cbs_download import Converted, Download, convert, write_csv
from hicmonitor.store.loading import LoadResult, load_file, vocabulary

__all__ = ["HaalResult", "LoadResult", "fetch", "load_download", "load_file", "load_order"]

# Population files load first: a load of counts is checked against the inhabitants.
KIND_ORDER = {"bevolking": 0, "misdrijven": 1, "geldautomaten": 2}


def load_order(paths: list[Path]) -> list[Path]:
    """``paths`` in the order to load them: population files first, otherwise as given.
    A file whose format cannot be read keeps its place (its load reports the problem)."""
    from hicmonitor.sources import detect

    def rank(item: tuple[int, Path]) -> tuple[int, int]:
        index, path = item
        try:
            reader, _ = detect(path)
        except HicError:
            return (1, index)
        return (KIND_ORDER.get(reader.kind, 1), index)

    return [path for _, path in sorted(enumerate(paths), key=rank)]


def fetch(
    table: str,
    *,
    filter: str | None = None,
    base_url: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Download:
    """Download a CBS table (nothing is written to the store)."""
    return cbs_download.fetch(table, filter=filter, base_url=base_url, progress=progress)


@dataclass
class HaalResult:
    """What ``hic haal`` did: the download, what was left out, and the load."""

    table: str
    title: str
    served_rows: int
    converted: Converted
    load: LoadResult
    csv_path: Path | None  # kept (--uit) or None

    def summary_lines(self) -> list[str]:
        from hicmonitor.format_nl import amount

        def rows(value: int) -> str:
            return amount(value, "rij", "rijen")

        title = f" ({self.title})" if self.title else ""
        lines = [f"{self.table}{title}: {rows(self.served_rows)} gedownload"]
        for reason, count in sorted(self.converted.skipped.items()):
            examples = ", ".join(self.converted.examples.get(reason, []))
            lines.append(f"  {rows(count)} overgeslagen: {reason} (bijv. {examples})")
        if self.converted.fallback:
            lines.append(
                f"  {rows(self.converted.fallback)} zonder gemiddeld aantal inwoners: "
                "bevolking op 1 januari gebruikt"
            )
        lines.append(self.load.summary())
        if self.csv_path is not None:
            lines.append(f"CSV bewaard in {self.csv_path}")
        return lines


def load_download(
    con: duckdb.DuckDBPyConnection,
    download: Download,
    *,
    out: str | Path | None = None,
    fast: bool | None = None,
    accept: bool = False,
) -> HaalResult:
    """Convert, write the CSV (to ``out`` or a temporary file) and load it in one transaction.

    ``fast`` is passed to ``load_file`` (default: the fast path, which hands over to the
    precise path to name a bad line should a check fail).
    """
    converted = convert(download, vocabulary(con))
    table = download.spec.table_id
    if not download.rows:
        raise HicError(
            f"{download.base_url} gaf geen rijen voor tabel {table}"
            + (f" met filter {download.filter!r}" if download.filter else "")
            + "; niets geladen"
        )
    if not converted.records:
        reasons = "; ".join(f"{c} × {r}" for r, c in sorted(converted.skipped.items()))
        raise HicError(f"tabel {table}: geen bruikbare rijen ({reasons}); niets geladen")
    tmpdir = None
    if out is not None:
        path = Path(out)
        if path.is_dir():
            path = path / f"{table}.csv"
    else:
        tmpdir = Path(tempfile.mkdtemp(prefix="hic-haal-"))
        path = tmpdir / f"{table}.csv"
    write_csv(converted, path)
    try:
        result = load_file(con, path, fast=fast, accept=accept)
    except HicError as exc:
        if tmpdir is not None:
            raise HicError(f"{exc} (de download is bewaard in {path})") from None
        raise
    if tmpdir is not None:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return HaalResult(
        table=table,
        title=str(download.info.get("ShortTitle") or download.info.get("Title") or ""),
        served_rows=len(download.rows),
        converted=converted,
        load=result,
        csv_path=path if tmpdir is None else None,
    )
