"""Shared CSV plumbing for the readers: header sniffing, precise record iteration, checks.

Policy (documented in docs/invoer.md): files must be UTF-8. A leading byte-order mark is
accepted and ignored (Excel writes one); any other encoding (such as Latin-1) is refused with
the line of the first byte that is not UTF-8, because guessing an encoding can silently corrupt
names.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hicmonitor.errors import InputError, shorten
from hicmonitor.format_nl import number as number_nl
from hicmonitor.sources import sniff

BOM = "\ufeff"
MAX_HEADER_BYTES = 64 * 1024  # a header line longer than this is not a CSV header
FIELD_LIMIT = csv.field_size_limit()  # Python's csv refuses longer fields
MAX_COUNT = 2**63 - 1  # the largest count the store holds (BIGINT)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")


def first_invalid_utf8_line(path: Path) -> int | None:
    """1-based line of the first byte sequence that is not UTF-8, or None."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def not_utf8_error(path: Path, line: int | None) -> InputError:
    return InputError(
        path,
        "het bestand is niet in UTF-8 gecodeerd (waarschijnlijk Latin-1/Windows-1252); "
        "sla het op als 'CSV UTF-8' en laad het opnieuw",
        line=line,
    )


def read_header(path: Path) -> list[str]:
    """The column names of the first line (a leading BOM removed)."""
    if not path.exists():
        raise InputError(path, "bestand bestaat niet")
    if path.is_dir():
        raise InputError(path, "dit is een map, geen bestand")
    with path.open("rb") as fh:
        head = fh.read(sniff.HEAD_BYTES)
        fh.seek(0)
        # a line may also end in "\r" alone
        first = fh.readline(MAX_HEADER_BYTES + 1).split(b"\r", 1)[0]
    not_csv = sniff.diagnose(path, head)
    if not_csv is not None:
        raise not_csv
    if len(first) > MAX_HEADER_BYTES:
        raise InputError(
            path,
            f"de kopregel is langer dan {MAX_HEADER_BYTES // 1024} kB: dit is geen CSV-bestand "
            "met een kopregel (of de regeleinden ontbreken)",
            line=1,
        )
    if not first.strip():
        raise InputError(path, "het bestand is leeg (geen kopregel)", line=1)
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        raise not_utf8_error(path, 1) from None
    text = text.removeprefix(BOM)
    return [c.strip() for c in next(csv.reader([text]))]


PROGRESS_EVERY = 1 << 16  # records between progress reports


def iter_records(
    path: Path, columns: list[str], progress: Callable[[int], None] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, record) for each data record, checking the column count.

    Line numbers are those a text editor shows (a quoted value spanning lines counts all).
    A column without a name in the header (``a,b,,`` from a spreadsheet) must be empty in
    every record: a value there is refused, naming the line and the column.
    ``progress`` is called now and then with the number of bytes read so far.
    """
    unnamed = unnamed_columns(columns)
    start = 2
    try:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)  # header, checked by read_header
            start = reader.line_num + 1
            for count, row in enumerate(reader):
                line = start
                start = reader.line_num + 1
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(raw.tell())
                if not row or row == [""]:
                    continue
                if len(row) != len(columns) and any("\n" in v for v in row):
                    raise InputError(
                        path,
                        "aanhalingsteken niet gesloten: de waarde loopt door over de volgende regels",
                        line=line,
                    )
                if len(row) != len(columns):
                    field = columns[len(row)] if len(row) < len(columns) else None
                    raise InputError(
                        path,
                        f"{len(row)} velden gevonden, {len(columns)} verwacht "
                        + (
                            "(regel afgebroken of te weinig velden)"
                            if len(row) < len(columns)
                            else "(te veel velden; scheidingsteken of aanhalingstekens fout?)"
                        ),
                        line=line,
                        field=field,
                    )
                for index in unnamed:
                    if row[index].strip():
                        raise InputError(
                            path,
                            f"waarde {row[index]!r} in kolom {index + 1}, die in de kopregel geen "
                            "naam heeft (regel verschoven, of een scheidingsteken in een getal?); "
                            "geef de kolom een naam of verwijder de waarde",
                            line=line,
                            field=f"kolom {index + 1}",
                        )
                yield line, dict(zip(columns, row, strict=True))
    except UnicodeDecodeError:
        raise not_utf8_error(path, first_invalid_utf8_line(path)) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(
                path,
                f"een veld is langer dan {FIELD_LIMIT:,} tekens; ".replace(",", ".")
                + 'waarschijnlijk ontbreekt een sluitend aanhalingsteken (") of is dit geen '
                "CSV-bestand met cijfers",
                line=start,
            ) from None
        raise InputError(path, f"onleesbare CSV ({exc})", line=start) from None


def unnamed_columns(header: list[str]) -> list[int]:
    """0-based positions of the columns without a name in the header."""
    return [i for i, name in enumerate(header) if not name.strip()]


def read_csv_sql(path: Path, header: list[str]) -> str:
    """DuckDB's ``read_csv`` of ``path`` with the dialect ``iter_records`` reads, every column text.

    The dialect is fixed (comma, double quote doubled inside quotes, no comment lines); empty
    fields come back as '' (NULL only for a field that is exactly U+0001, which every check
    refuses); a line longer than Python's CSV field limit is refused (so no field Python would
    refuse is accepted); a row DuckDB cannot parse ends the query with an error.
    """
    names = ", ".join(_sql_literal(c) for c in header)
    return (
        f"read_csv({_sql_literal(str(path))}, header = true, names = [{names}], "
        "all_varchar = true, delim = ',', quote = '\"', escape = '\"', comment = '', skip = 0, "
        f"null_padding = false, nullstr = {_sql_literal(chr(1))}, strict_mode = true, "
        f"encoding = 'utf-8', max_line_size = {csv.field_size_limit()})"
    )


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class FileScan:
    """One pass over a file's bytes: its sha256, and whether DuckDB may read it as Python does."""

    sha256: str
    same_parse: bool  # False when a quote has a space or tab beside it


_QUOTE_SPACING = (b' "', b'" ', b'\t"', b'"\t')


def scan_file(path: Path, block_size: int = 1 << 20) -> FileScan:
    """Hash the file and look for quotes with blanks beside them, in one read.

    DuckDB's CSV reader drops blanks around a quoted value (``"1" ,`` gives ``1``); Python's csv
    keeps them (``1 ``) or keeps the quotes (`` "1"`` stays `` "1"``). A file with such a spot is
    left to the precise path. Files without any quote (the usual case) are decided by one
    ``memchr`` per block.
    """
    digest = hashlib.sha256()
    same = True
    tail = b""
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(block_size), b""):
            digest.update(block)
            if same and (b'"' in block or tail == b'"'):
                window = tail + block
                same = not any(pattern in window for pattern in _QUOTE_SPACING)
            tail = block[-1:]
    return FileScan(digest.hexdigest(), same)


@dataclass(frozen=True)
class TextTraits:
    """What the text of a file holds that the fast path's per-field text checks look for."""

    control: bool  # a control character other than line ends, or U+0085/U+FEFF/U+2028/U+2029
    quotes: bool  # a double quote (so a field may hold a line end)


# Printable ASCII without the double quote, and the line ends: bytes that need no check.
_PLAIN_BYTES = bytes(b for b in range(0x20, 0x7F) if b != 0x22) + b"\n\r"
_ASCII_BYTES = bytes(range(0x80))
_HIGH_BYTES = bytes(range(0x80, 0x100))
# U+0085, U+2028, U+2029 and U+FEFF in UTF-8 (a BOM at the very start is not text)
_SPECIAL_UTF8 = re.compile(b"\xc2\x85|\xe2\x80[\xa8\xa9]|\xef\xbb\xbf")


def text_traits(path: Path, block_size: int = 1 << 20) -> TextTraits:
    """Whether ``path`` holds control characters or quotes anywhere, in one read.

    A file of printable text without quotes (the usual case) is decided by one
    ``bytes.translate`` per block; the fast path then checks its text fields for formulas only
    (see ``sqlchecks.text_ok``) instead of matching a regular expression against every value.
    """
    control = quotes = False
    tail = b""
    with path.open("rb") as fh:
        first = True
        for block in iter(lambda: fh.read(block_size), b""):
            if first and block.startswith(BOM.encode()):
                block = block[3:]
            first = False
            rest = block.translate(None, _PLAIN_BYTES)
            if rest:
                quotes = quotes or b'"' in rest
                if rest.replace(b'"', b"").translate(None, _HIGH_BYTES):
                    control = True  # an ASCII control character (a tab too)
                elif rest.translate(None, _ASCII_BYTES):
                    control = control or _SPECIAL_UTF8.search(tail + block) is not None
            if control and quotes:
                break
            tail = block[-2:]
    return TextTraits(control=control, quotes=quotes)


def looks_like_formula(value: str) -> bool:
    """True for text a spreadsheet would execute (CSV/formula injection)."""
    if not value:
        return False
    if value[0] in "=+@\t\r":
        return True
    return value[0] == "-" and len(value) > 1 and not (value[1].isdigit() or value[1] == " ")


def check_text(path: Path, line: int, field: str, value: str) -> None:
    if _CONTROL.search(value):
        raise InputError(
            path,
            f"ongeldig teken in {value!r} (stuurteken of BOM midden in het bestand)",
            line=line,
            field=field,
        )
    if looks_like_formula(value):
        raise InputError(
            path,
            f"waarde {value!r} lijkt een spreadsheetformule; formules worden geweigerd",
            line=line,
            field=field,
        )


def parse_count(
    path: Path,
    line: int,
    field: str,
    value: str,
    *,
    allow_empty: bool,
    maximum: int = MAX_COUNT,
) -> int | None:
    text = value.strip()
    if text in {"", ".", "x"} and allow_empty:
        return None
    if not re.fullmatch(r"\d+", text):
        problem = "negatief" if re.fullmatch(r"-\d+", text) else "geen geheel getal"
        if re.fullmatch(r"\d+\.0", text):
            problem += f" (als decimaal getal geschreven: schrijf {text[:-2]})"
        hint = "verwacht een geheel getal ≥ 0"
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            hint = f"schrijf het zonder punt als duizendtal ({text.replace('.', '')})"
        raise InputError(
            path,
            f"aantal {shorten(repr(value))} is {problem}; {hint}",
            line=line,
            field=field,
        )
    number = int(text)
    if number > maximum:
        raise InputError(
            path,
            f"aantal {shorten(repr(value))} is te groot; hoogstens {number_nl(maximum)}",
            line=line,
            field=field,
        )
    return number


def missing_columns_error(path: Path, header: list[str], required: list[str]) -> InputError:
    missing = [c for c in required if c not in header]
    return InputError(
        path,
        f"kolom(men) ontbreken: {', '.join(missing)}; gevonden: {', '.join(header) or '(geen)'}",
        line=1,
        field=missing[0] if missing else None,
    )
