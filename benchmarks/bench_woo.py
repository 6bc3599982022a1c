"""Benchmark: pages per second for Woo redaction plus rendering.

Run: ``.venv/bin/python benchmarks/bench_woo.py [--alineas 400]``

Builds a memo with python-docx (names of civil servants and office holders in most
paragraphs, a table, a header, a section 5), then measures in the same run:

- baseline: rendering the unredacted DOCX to PDF (the same renderer, no redaction);
- redaction (detection with register, patterns and deduce) plus rendering;
- the leak check on the DOCX and PDF outputs.

It prints pages per second and the ratios against the baseline. deduce's one-time load
is reported separately (it happens once per process).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import docx

from hicmonitor.woo.detect import Detector
from hicmonitor.woo.docx_redact import redact_docx
from hicmonitor.woo.leakcheck import check_files
from hicmonitor.woo.publish import analyse, needles_for
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
TEXT = (
    "Het aantal {cat} is in {year} met {pct} procent gedaald ten opzichte van het jaar "
    "daarvoor. {cs} heeft dit besproken met {pub}; de daling was in de Covid-jaren "
    "sneller en sinds 2022 stijgen de cijfers weer, maar het niveau van voor de pandemie "
    "is nog niet bereikt. Voor vragen: {cs2}, 06-12345678."
)
CATS = ["overvallen", "straatroven", "woninginbraken", "geweldsdelicten", "ram- en plofkraken"]


def build(path: Path, paragraphs: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    d = docx.Document()
    d.core_properties.author = "Jorinde Klaverblad"
    d.sections[0].header.paragraphs[0].text = "Contactpersoon: Wessel Dwarrelwind"
    d.add_heading("Beslisnota voortgang aanpak High Impact Crimes", 0)
    for i in range(paragraphs):
        if i % 25 == 0:
            d.add_heading(f"{i // 25 + 1}. Onderdeel", 1)
        d.add_paragraph(
            TEXT.format(
                cat=rng.choice(CATS),
                year=rng.randint(2012, 2024),
                pct=rng.randint(1, 30),
                cs=rng.choice(CIVIL),
                pub=rng.choice(PUBLIC),
                cs2=rng.choice(CIVIL),
            )
        )
    t = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate(
        [("Opsteller", CIVIL[0]), ("Paraaf", CIVIL[1]), ("Datum", "1-2-2024")]
    ):
        t.cell(r, 0).text, t.cell(r, 1).text = a, b
    d.add_heading("5. Niet openbaar", 1)
    d.add_paragraph("Alles onder deze streep wordt verwijderd")
    d.add_paragraph("Vertrouwelijke overwegingen over de positie van de minister.")
    d.save(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alineas", type=int, default=400)
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
    base, red, leak = [], [], []
    pages = 0
    for k in range(args.herhalingen):
        t = time.perf_counter()
        pages_orig = render_pdf(src, tmp / f"orig{k}.pdf")
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        redact_docx(src, tmp / f"red{k}.docx", detector)
        pages = render_pdf(tmp / f"red{k}.docx", tmp / f"red{k}.pdf")
        red.append(time.perf_counter() - t)
        _, res, slots = analyse(src, detector)
        res.kept_text = "\n".join(s.text for s in slots if s.kind == "p")
        needles = needles_for(res, detector)
        t = time.perf_counter()
        leaks = check_files([tmp / f"red{k}.docx", tmp / f"red{k}.pdf"], needles)
        leak.append(time.perf_counter() - t)
        assert not leaks, leaks
    b, r, lk = min(base), min(red), min(leak)
    print(f"memo: {args.alineas} alinea's, {pages_orig} pagina's origineel, {pages} gelakt")
    print(f"deduce laden (eenmalig per proces): {t_load:.1f} s")
    print(f"baseline renderen (zonder lakken): {b:.2f} s = {pages_orig / b:.1f} pagina's/s")
    print(
        f"lakken + renderen:                 {r:.2f} s = {pages / r:.1f} pagina's/s "
        f"(x{r / b:.2f} t.o.v. baseline)"
    )
    print(
        f"lekcontrole (DOCX + PDF):          {lk:.2f} s = {pages / lk:.1f} pagina's/s "
        f"(x{lk / b:.2f} t.o.v. baseline)"
    )
    print(f"totaal publiceren:                 {pages / (r + lk):.1f} pagina's/s")


if __name__ == "__main__":
    main()
