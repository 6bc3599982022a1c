"""Test documents: a beslisnota and a Kamerbrief written with the tests' own DOCX writer
(tests/woo/docxbuild.py, independent of hicmonitor's OOXML code), with a canary sentence in
section 5 that must never reach anyone without access; and files that are not DOCX."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.woo.docxbuild import Doc, heading, para

CANARY = "Kanariezin: de bewindspersoon overweegt het Kwartiermakersfonds Zeeuws-Vlaanderen op te heffen."

KERNPUNTEN = "De brief meldt de daling van woninginbraken en de stand van de maatregelen."
KRACHTENVELD = "Gemeenten hebben de regie; politie en Openbaar Ministerie werken mee."


def memo_doc(
    *,
    kernpunten: str = KERNPUNTEN,
    krachtenveld: str = KRACHTENVELD,
    strategie: str = "De aanpak combineert preventie en repressie.",
    section5: str = CANARY,
) -> Doc:
    return Doc(
        body=[
            para("Ministerie van Justitie en Veiligheid"),
            para("Beslisnota"),
            para("Aan: Minister van Justitie en Veiligheid"),
            para("Betreft: Voortgangsrapportage High Impact Crimes 2023"),
            heading("1. Aanleiding"),
            para("Jaarlijks wordt de Kamer geïnformeerd over de aanpak van high impact crimes."),
            heading("2. Geadviseerd besluit"),
            para("Instemmen met de brief en deze ondertekenen."),
            heading("3. Kernpunten"),
            para(kernpunten),
            heading("4. Toelichting"),
            heading("4.1 Krachtenveld", 2),
            para(krachtenveld),
            heading("4.2 Strategie", 2),
            para(strategie),
            para("Alles onder deze streep wordt verwijderd"),
            heading("5. Informatie die niet openbaar gemaakt kan worden"),
            para(section5),
        ]
    )


def memo(path: Path, **kw: str) -> Path:
    return memo_doc(**kw).save(path)


def memo_bytes(tmp: Path, name: str = "beslisnota.docx", **kw: str) -> bytes:
    return memo(tmp / name, **kw).read_bytes()


def letter(
    path: Path, *, opening: str = "Hierbij informeer ik uw Kamer over de voortgang."
) -> Path:
    return Doc(
        body=[
            para("Ministerie van Justitie en Veiligheid"),
            para("Kamerbrief"),
            para("Aan de Voorzitter van de Tweede Kamer der Staten-Generaal"),
            heading("1. De cijfers"),
            para(opening),
            heading("2. Maatregelen"),
            para("De maatregelen lopen volgens plan."),
        ]
    ).save(path)


def letter_bytes(tmp: Path, **kw: str) -> bytes:
    return letter(tmp / "kamerbrief.docx", **kw).read_bytes()


# -- files that are not a plain DOCX ---------------------------------------------------------


def zip_bomb() -> bytes:
    """A zip whose one part unpacks 1000-fold (100 MB of zeros in ~100 kB)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(100):
                fh.write(chunk)
    return buf.getvalue()


def docx_as(tmp: Path, main_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A valid memo whose main part declares ``main_type`` (e.g. macro-enabled)."""
    d = memo_doc()
    path = d.save(tmp / "x.docx")
    src = zipfile.ZipFile(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    main_type.encode(),
                )
            zf.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def docm(tmp: Path) -> bytes:
    """A macro-enabled Word document (.docm) with a vbaProject part."""
    return docx_as(
        tmp,
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512},
    )


def xlsx() -> bytes:
    """A small Excel workbook (to be uploaded renamed as .docx)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Kanarie"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def macro_in_plain_docx(tmp: Path) -> bytes:
    """A .docx content type, but a vbaProject part smuggled in."""
    return docx_as(
        tmp,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        {"word/vbaProject.bin": b"\0" * 64},
    )


def lying_sizes(tmp: Path) -> bytes:
    """A DOCX whose central directory declares half the real size of word/document.xml
    (data beyond what the zip declares: its CRC cannot match)."""
    data = bytearray(memo(tmp / "l.docx").read_bytes())
    size = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml").file_size
    at = 0
    while (i := data.find(b"PK\x01\x02", at)) >= 0:  # central directory entries
        n = int.from_bytes(data[i + 28 : i + 30], "little")
        if bytes(data[i + 46 : i + 46 + n]) == b"word/document.xml":
            data[i + 24 : i + 28] = (size // 2).to_bytes(4, "little")
        at = i + 4
    return bytes(data)
