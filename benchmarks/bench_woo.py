"""Benchmark: pages per second for Woo redaction plus rendering.

Run: ``.venv/bin/python benchmarks/bench_woo.py [--alineas 340]``

Builds a memo with python-docx from real Kamerstuk paragraphs (tests/woo/real), each made
unique, with civil servants and office holders planted in a third of them, a table, a header
and a section 5; then measures in the same run:

- baseline: rendering the unredacted DOCX to PDF (the same renderer, no redaction);
- redaction (detection with register, patterns and deduce) plus rendering;
- the leak check on the DOCX and PDF outputs.

It prints pages per second and the ratios against the baseline. deduce's one-time load
is reported separately (it happens once per process).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import docx
import yaml

from hicmonitor.woo import detect
from hicmonitor.woo.detect import Detector
from hicmonitor.woo.publish import publish
from hicmonitor.woo.register import load_register
from hicmonitor.woo.render import render_pdf

ROOT = Path(__file__).resolve().parents[1]

CIVIL = [
    "Jorinde Klaverblad",
    "mr. P.B. van der Wolkenveld",
    "Kees Bakker",
    "Lotte Verhoef",
    "Zoë Kersenboom",
    "drs. A. Mulder",
]
PUBLIC = [
    "minister Van Weel",
    "burgemeester Aboutaleb",
    "minister Grapperhaus",
    "burgemeester Hamming",
]
CORPUS = ROOT / "tests" / "woo" / "real" / "kamerstukken.yaml"


def real_paragraphs() -> list[str]:
    """Paragraphs of real published Kamerstukken (tests/woo/real), long ones first."""
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    paras = [str(p) for d in data for p in d["alineas"] if len(str(p)) > 80]
    return sorted(paras, key=len, reverse=True)


def build(path: Path, paragraphs: int, seed: int = 1) -> None:
    """A memo of real Kamerstuk paragraphs (each made unique, so no detection result is
    reused between paragraphs) with civil servants and office holders planted."""
    rng = random.Random(seed)
    real = real_paragraphs()
    d = docx.Document()
    d.core_properties.author = "Jorinde Klaverblad"
    d.sections[0].header.paragraphs[0].text = "Contactpersoon: Wessel Dwarrelwind"
    d.add_heading("Beslisnota voortgang aanpak High Impact Crimes", 0)
    for i in range(paragraphs):
        if i % 25 == 0:
            d.add_heading(f"{i // 25 + 1}. Onderdeel {chr(65 + i // 25)}", 1)
        text = real[i % len(real)]
        extra = f" (kenmerk {rng.randint(1000000, 9999999)})"
        if i % 3 == 0:
            extra += f" {rng.choice(CIVIL)} besprak dit met {rng.choice(PUBLIC)}."
        if i % 7 == 0:
            extra += f" Voor vragen: {rng.choice(CIVIL)}, 06-{rng.randint(10000000, 99999999)}."
        d.add_paragraph(text + extra)
    t = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate(
        [("Opsteller", CIVIL[0]), ("Paraaf", CIVIL[1]), ("Datum", "1-2-2024")]
    ):
        t.cell(r, 0).text, t.cell(r, 1).text = a, b
    d.add_heading("17. Informatie die niet openbaar gemaakt kan worden", 1)
    d.add_paragraph("Alles onder deze streep wordt verwijderd")
    d.add_paragraph("Vertrouwelijke overwegingen over de positie van de minister.")
    d.save(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alineas", type=int, default=340)
    ap.add_argument("--herhalingen", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-woo-"))
    src = tmp / "memo.docx"
    build(src, args.alineas)

    t0 = time.perf_counter()
    detector = Detector(load_register(ROOT / "content" / "personen.yaml"))
    detector.detect("Jan Jansen")
    t_load = time.perf_counter() - t0

    render_pdf(src, tmp / "warmup.pdf")  # import and font set-up outside the timings
    base, full = [], []
    phases: list[dict[str, float]] = []
    pages = pages_orig = 0
    for k in range(args.herhalingen):
        t = time.perf_counter()
        pages_orig = render_pdf(src, tmp / f"orig{k}.pdf")
        base.append(time.perf_counter() - t)
        out = tmp / f"uit{k}"
        timings: dict[str, float] = {}
        detect._DEDUCE_CACHE.clear()  # nothing carried over from the previous run
        t = time.perf_counter()
        # collect, rebuild, redact, PDF, leak check, inventory
        pub = publish([src], out, detector, timings=timings)
        full.append(time.perf_counter() - t)
        phases.append(timings)
        pages = pub.documents[0].pages
        shutil.rmtree(out)
    b, f = min(base), min(full)
    best = phases[full.index(f)]
    print(f"memo: {args.alineas} alinea's, {pages_orig} pagina's origineel, {pages} gepubliceerd")
    print(f"deduce laden (eenmalig per proces): {t_load:.1f} s")
    print(f"baseline renderen (zonder lakken): {b:.2f} s = {pages_orig / b:.1f} pagina's/s")
    print(
        f"publiceren (verzamelen, herbouwen, lakken, PDF, lekcontrole): {f:.2f} s = "
        f"{pages / f:.1f} pagina's/s (x{f / b:.2f} t.o.v. baseline)"
    )
    print("fasen van de snelste publicatie:")
    for phase, secs in sorted(best.items(), key=lambda kv: -kv[1]):
        print(f"  {phase:<42} {secs:6.2f} s  ({secs / f:5.1%})")
    print(f"  {'overig':<42} {f - sum(best.values()):6.2f} s")


if __name__ == "__main__":
    main()
