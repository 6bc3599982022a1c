"""Measure how the register of public office holders does on the test corpora.

    PYTHONPATH=src python -m tests.woo.measure_holders [--personen PAD] [--json UIT]

Publishes, through the whole pipeline, (1) the real Kamerstuk corpus of ``test_real.py``
and (2) the class corpus of ``test_classes.py`` (plus the holder letters of
``holder_letters.py``), and counts: office-holder mentions kept, boxes on no personal
data (over-redaction), planted personal data published (under-redaction) and public
text lost. Prints one line per measure; with ``--json`` also writes them to a file.
Used to compare registers (before/after a change to ``content/publiek``).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import unicodedata
from pathlib import Path

import pypdf

from hicmonitor.woo.detect import Detector
from hicmonitor.woo.publish import publish
from hicmonitor.woo.register import load_register

from .docxbuild import all_text_of_docx

ROOT = Path(__file__).resolve().parents[2]


def _fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).replace("ı", "i").casefold()


def _flat(s: str) -> str:
    return "".join(_fold(s).split())


def _pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages)


def measure_real(detector: Detector, work: Path) -> dict:
    from .real_corpus import count_mentions, load, to_docx
    from .real_corpus import fold as rfold

    docs = load()
    paths = [to_docx(d, work / f"kamerstuk-{i:02d}.docx") for i, d in enumerate(docs)]
    vanaf = {p: d.vanaf for p, d in zip(paths, docs, strict=True) if d.vanaf}
    pub = publish(paths, work / "uit", detector, vanaf=vanaf)
    paragraphs = sum(len(d.paragraphs) + 1 for d in docs)
    over, leaked, wanted, kept, lost = [], [], 0, 0, []
    for d, o in zip(docs, pub.documents, strict=True):
        planted = [rfold(s) for s in d.planted]
        for f in o.result.findings:
            if "#link:" in f.slot_id:
                continue
            t = rfold(f.text)
            if not any(p in t or t in p for p in planted):
                over.append(f.text)
        pdf = _pdf_text(o.pdf)
        text = rfold(all_text_of_docx(o.docx) + pdf)
        leaked += [s for s in d.planted if rfold(s) in text]
        source = "\n".join(d.paragraphs)
        for name in dict.fromkeys(d.public):
            n = count_mentions(name, source)
            k = min(n, count_mentions(name, pdf))
            wanted += n
            kept += k
            if k < n:
                lost.append(name)
    return {
        "paragraphs": paragraphs,
        "over_redactions": len(over),
        "over_examples": over[:20],
        "planted_leaked": len(leaked),
        "holders_wanted": wanted,
        "holders_kept": kept,
        "holders_lost": lost,
    }


def measure_cases(detector: Detector, cases: list, work: Path) -> dict:
    paths = [
        c.doc.save(work / (c.filename or f"{i:02d}-{c.name}.docx")) for i, c in enumerate(cases)
    ]
    vanaf = {p: c.vanaf for p, c in zip(paths, cases, strict=True) if c.vanaf}
    pub = publish(paths, work / "uit", detector, vanaf=vanaf)
    leaked, lost, public_total, secrets_total = [], [], 0, 0
    for c, o in zip(cases, pub.documents, strict=True):
        docx = _fold(all_text_of_docx(o.docx))
        pdf = _flat(_pdf_text(o.pdf))
        for s in c.secrets + c.section5:
            secrets_total += 1
            if _fold(s) in docx or _flat(s) in pdf:
                leaked.append((c.name, s))
        for t in c.public + c.keep:
            public_total += 1
            if _flat(t) not in pdf:
                lost.append((c.name, t))
    return {
        "documents": len(cases),
        "secrets": secrets_total,
        "secrets_leaked": leaked,
        "public": public_total,
        "public_lost": lost,
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--personen", type=Path, default=ROOT / "content" / "personen.yaml")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--zonder-klassen", action="store_true", help="only the real corpus")
    ap.add_argument(
        "--zaden", default="15,4,7,3", help="seeds of the holder letters (comma separated)"
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    reg = load_register(args.personen)
    det = Detector(reg)
    load_s = time.perf_counter() - t0
    out: dict = {"register_persons": len(reg.publiek), "register_load_s": round(load_s, 2)}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "real").mkdir()
        t0 = time.perf_counter()
        out["real"] = measure_real(det, work / "real")
        out["real"]["seconds"] = round(time.perf_counter() - t0, 1)
        if not args.zonder_klassen:
            from .classes import build

            (work / "cls").mkdir()
            t0 = time.perf_counter()
            out["classes"] = measure_cases(det, build(15), work / "cls")
            out["classes"]["seconds"] = round(time.perf_counter() - t0, 1)
            try:
                from .holder_letters import build_letters
            except ImportError:
                pass
            else:
                total: dict = {"documents": 0, "secrets": 0, "secrets_leaked": [], "public": 0}
                total["public_lost"] = []
                for seed in (int(x) for x in args.zaden.split(",") if x.strip()):
                    (work / f"hl{seed}").mkdir()
                    r = measure_cases(det, build_letters(seed), work / f"hl{seed}")
                    for k in ("documents", "secrets", "public"):
                        total[k] += r[k]
                    total["secrets_leaked"] += [(seed, *x) for x in r["secrets_leaked"]]
                    total["public_lost"] += [(seed, *x) for x in r["public_lost"]]
                out["holder_letters"] = total
    r = out["real"]
    print(f"register: {out['register_persons']} public persons, loaded in {load_s:.2f} s")
    print(
        f"real: {r['holders_kept']}/{r['holders_wanted']} office-holder mentions kept; "
        f"{r['over_redactions']} boxes on no personal data in {r['paragraphs']} paragraphs; "
        f"{r['planted_leaked']} planted strings published ({r['seconds']} s)"
    )
    for key in ("classes", "holder_letters"):
        if key in out:
            c = out[key]
            print(
                f"{key}: {len(c['secrets_leaked'])}/{c['secrets']} secrets published, "
                f"{len(c['public_lost'])}/{c['public']} public strings lost"
                + (f" ({c['seconds']} s)" if "seconds" in c else "")
            )
            for x in c["secrets_leaked"] + c["public_lost"]:
                print("   ", x)
    if r["holders_lost"] or r["over_examples"]:
        print("   real lost:", r["holders_lost"], "over:", r["over_examples"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
