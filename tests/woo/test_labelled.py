"""Labelled corpus: recall on civil servants >= 99 %, public office holders kept >= 95 %.

The documents go through the real DOCX redaction; the measure reads the redacted DOCX
text back independently (tags stripped, runs joined per paragraph).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile

from hicmonitor.woo.docx_redact import redact_docx

from .corpus import build, save_all


def _fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).replace("ı", "i")


def _text(path) -> str:
    with zipfile.ZipFile(path) as zf:
        out = []
        for name in zf.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8")
                for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
                    out.append("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)))
    return "\n".join(out)


def measure(detector, folder):
    docs = build()
    paths = save_all(docs, folder)
    cs_total = cs_hit = pub_total = pub_kept = 0
    misses: list[str] = []
    for ld, src in zip(docs, paths, strict=True):
        out = folder / f"{src.stem}.red.docx"
        redact_docx(src, out, detector)
        text = _fold(_text(out))
        for m in ld.mentions:
            key = _fold(m.key)
            present = re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text, re.IGNORECASE)
            if m.role == "ambtenaar":
                cs_total += 1
                cs_hit += present is None
                if present:
                    misses.append(m.text)
            else:
                pub_total += 1
                pub_kept += present is not None
                if not present:
                    misses.append("(publiek) " + m.text)
    return docs, cs_total, cs_hit, pub_total, pub_kept, misses


def test_labelled_corpus(detector, tmp_path):
    docs, cs_total, cs_hit, pub_total, pub_kept, misses = measure(detector, tmp_path)
    n = cs_total + pub_total
    assert len(docs) >= 20 and n >= 200
    recall = cs_hit / cs_total
    kept = pub_kept / pub_total
    print(
        f"\nlabelled corpus: {len(docs)} documents, {n} mentions; civil servants "
        f"{cs_hit}/{cs_total} redacted (recall {recall:.1%}); public office holders "
        f"{pub_kept}/{pub_total} kept ({kept:.1%}); misses: {misses}"
    )
    assert recall >= 0.99, misses
    assert kept >= 0.95, misses
