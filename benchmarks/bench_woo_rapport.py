"""Benchmark: pages per second for redaction at the source plus rendering (generated documents).

Run: ``.venv/bin/python benchmarks/bench_woo_rapport.py [--herhaal 3] [--rondes 2]``

Builds the 2023 Kamerbrief and beslisnota from a fresh store with the embedded data and
a spec that names civil servants (sender column, attachments, contact line, free texts,
signature); ``--herhaal`` repeats the body of each document to make it longer. Measured in
the same run, best of ``--rondes``:

- baseline: rendering the unredacted models to DOCX, PDF and HTML (``reports.rapport.render``);
- redaction of the model (``woo.model_redact.redact_document``) plus the same three renderings
  with boxes (``woo.generated.render``);
- the leak check on the three outputs.

Prints pages per second (pages of the redacted PDFs) and the ratios against the baseline.
deduce's one-time load is reported separately (once per process).
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path

import pypdf
import yaml

from hicmonitor.reports.context import gather
from hicmonitor.reports.rapport import build_documents
from hicmonitor.reports.rapport import render as render_plain
from hicmonitor.reports.spec import parse_spec
from hicmonitor.services.database import connect_loaded
from hicmonitor.woo.detect import Detector
from hicmonitor.woo.generated import html_text_leaks, spec_texts
from hicmonitor.woo.generated import render as render_redacted
from hicmonitor.woo.leakcheck import check_files
from hicmonitor.woo.model_redact import redact_document
from hicmonitor.woo.publish import needles_for
from hicmonitor.woo.register import load_register

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("docx", "pdf", "html")


def spec_with_names():  # noqa: ANN201
    data = yaml.safe_load((ROOT / "content" / "rapporten" / "2023.yaml").read_text("utf-8"))
    data["afzender"]["team"] = "Team HIC, contactpersoon J.M. Klaverblad"
    data["bijlagen"] = ["Notitie van P.B. van der Wolkenveld (pb.vanderwolkenveld@minjenv.example)"]
    data["ondertekenaars"] = [
        {"functie": "De Minister van Justitie en Veiligheid", "naam": "D. Yeşilgöz-Zegerius"},
        {"functie": "De directeur", "naam": "R.J. van den Heuvelrug-Stroop"},
    ]
    data["kamerbrief"]["slot"] = "Voor vragen kunt u terecht bij Hendrik Jansen (070-3701122)."
    data["beslisnota"]["communicatie"] = (
        "Contactpersoon: Jorinde Klaverblad, 06 13 57 24 68, jorinde.klaverblad@minjenv.example."
    )
    data["beslisnota"]["krachtenveld"] = "Afgestemd met Wessel Dwarrelwind en burgemeester Hamming."
    return parse_spec(yaml.safe_dump(data, allow_unicode=True), "bench.yaml")


def pages(pdf: Path) -> int:
    return len(pypdf.PdfReader(pdf).pages)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--herhaal", type=int, default=3, help="repeat each body this many times")
    ap.add_argument("--rondes", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-woo-rapport-"))
    con = connect_loaded(tmp / "hic.duckdb")
    spec = spec_with_names()
    docs = build_documents(gather(con, spec))
    for d in docs.values():
        d.body = [copy.deepcopy(b) for _ in range(args.herhaal) for b in d.body]

    t0 = time.perf_counter()
    detector = Detector(load_register(ROOT / "content" / "personen.yaml"))
    detector.detect("Jan Jansen")
    t_load = time.perf_counter() - t0
    human = spec_texts(spec)

    for kind, d in docs.items():  # imports, fonts and templates outside the timings
        render_plain(d, "pdf", tmp / f"warm-{kind}.pdf")
    base, red, leak = [], [], []
    n_pages = 0
    for k in range(args.rondes):
        t = time.perf_counter()
        for kind, d in docs.items():
            for fmt in FORMATS:
                render_plain(d, fmt, tmp / f"plain-{kind}-{k}.{fmt}")
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        results = {}
        for kind, d in docs.items():
            redacted, res = redact_document(d, detector, deduce_texts=human)
            results[kind] = res
            for fmt in FORMATS:
                render_redacted(redacted, fmt, tmp / f"red-{kind}-{k}.{fmt}")
        red.append(time.perf_counter() - t)
        t = time.perf_counter()
        for kind, res in results.items():
            files = [tmp / f"red-{kind}-{k}.{fmt}" for fmt in FORMATS]
            needles = needles_for(res, detector)
            leaks = check_files(files, needles) + html_text_leaks(files, needles)
            assert not leaks, leaks
        leak.append(time.perf_counter() - t)
        n_pages = sum(pages(tmp / f"red-{kind}-{k}.pdf") for kind in docs)
    b, r, lk = min(base), min(red), min(leak)
    print(f"documents: {', '.join(docs)}; body x{args.herhaal}; {n_pages} PDF pages in all")
    print(f"deduce load (once per process): {t_load:.1f} s")
    print(
        f"baseline, render docx+pdf+html without redaction: {b:.2f} s = {n_pages / b:.1f} pages/s"
    )
    print(
        f"redaction + render docx+pdf+html: {r:.2f} s = {n_pages / r:.1f} pages/s "
        f"(x{r / b:.2f} the baseline)"
    )
    print(f"leak check on the 6 outputs: {lk:.2f} s = {n_pages / lk:.1f} pages/s (x{lk / b:.2f})")
    print(f"whole publication: {n_pages / (r + lk):.1f} pages/s (x{(r + lk) / b:.2f})")


if __name__ == "__main__":
    main()
