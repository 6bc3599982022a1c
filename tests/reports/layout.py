"""Reading a rendered page's layout with pdfplumber: the text lines of the body column, the
last line of each page, words broken across lines, text outside the printable area."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

MM = 72 / 25.4
BODY_RIGHT = 147 * MM  # the text column ends at 144 mm; the sender column starts at 150 mm
BODY_SIZE = 8.3  # body text, headings and table text; footnotes, notes and margin are smaller


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    text: str


def body_lines(pdf_path: Path) -> list[list[Line]]:
    """Per page, the lines of the body column (text of body size), top to bottom."""
    pages = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if c["x0"] < BODY_RIGHT and c["size"] >= BODY_SIZE]
            chars.sort(key=lambda c: (round(c["top"]), c["x0"]))
            rows: list[list[dict]] = []
            for c in chars:
                if rows and abs(rows[-1][0]["top"] - c["top"]) < 2.5:
                    rows[-1].append(c)
                else:
                    rows.append([c])
            lines = []
            for row in rows:
                row.sort(key=lambda c: c["x0"])
                text = ""
                for i, c in enumerate(row):
                    if i and c["x0"] - row[i - 1]["x1"] > c["size"] * 0.2:
                        text += " "
                    text += c["text"]
                text = " ".join(text.split())
                if text and not re.fullmatch(r"Pagina \d+ van \d+", text):
                    lines.append(Line(number, row[0]["top"], text))
            pages.append(lines)
    return pages


def stranded(pdf_path: Path, headings: list[str]) -> list[tuple[int, str]]:
    """Pages whose last body line is a heading or a caption (or the end of one)."""
    out = []
    norm = [" ".join(h.split()) for h in headings]
    for lines in body_lines(pdf_path)[:-1]:  # the last page may end anywhere
        if not lines:
            continue
        last = lines[-1].text
        if len(last) >= 4 and any(
            h == last or h.endswith(last) or h.startswith(last) for h in norm
        ):
            out.append((lines[-1].page, last))
    return out


WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\-]*")


def vocabulary(text: str) -> set[str]:
    """The words of a text (letters, apostrophes and hyphens)."""
    return {w.strip("-'") for w in WORD.findall(text)} | set(WORD.findall(text))


def broken_words(pdf_path: Path, text: str) -> list[tuple[int, str]]:
    """Fragments in the PDF that are no word of ``text``: a word broken mid-word (with or
    without a hyphen). A break at a hyphen the word has itself ("re-" + "integratie…") is
    allowed."""
    vocab = vocabulary(text)
    joined = " ".join(vocab)
    out = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for token in WORD.findall(page.extract_text() or ""):
                word = token.strip("'")
                if word in vocab or word.strip("-") in vocab:
                    continue
                if word.endswith("-") and re.search(rf"(^| ){re.escape(word)}\w", joined):
                    continue  # the first part of a hyphenated word
                if re.search(rf"\w-{re.escape(word)}( |$)", joined):
                    continue  # the part after a hyphen
                out.append((number, token))
    return out


def outside_print_area(pdf_path: Path, margin_mm: float = 10.0) -> list[tuple[int, str, float]]:
    """Characters closer to the paper's edge than ``margin_mm`` (A4)."""
    out = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for c in page.chars:
                x0, x1 = c["x0"] / MM, c["x1"] / MM
                top, bottom = c["top"] / MM, c["bottom"] / MM
                if (
                    x0 < margin_mm
                    or x1 > 210 - margin_mm
                    or top < margin_mm
                    or bottom > 297 - margin_mm
                ):
                    out.append((number, c["text"], round(max(x1, bottom), 1)))
    return out


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_pdf(docx_files: list[Path], out: Path) -> list[Path]:
    """Convert DOCX files to PDF with LibreOffice (headless, its own profile folder)."""
    exe = soffice()
    assert exe, "LibreOffice is not installed"
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, docx_files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [out / (p.stem + ".pdf") for p in docx_files]
