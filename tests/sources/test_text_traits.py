"""csvfile.text_traits: what a file holds that decides which text checks the fast path needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hicmonitor.sources.csvfile import text_traits

CASES = {
    b"a,b\n1,2\n": (False, False),
    b"\xef\xbb\xbfa,b\n1,2\n": (False, False),  # a BOM at the start is no text
    b"a,b\r\n1,2\r\n": (False, False),
    b"a,b\r1,2\r": (False, False),
    "a,b\né,ĳ\n".encode(): (False, False),
    b'a,b\n"1",2\n': (False, True),
    b"a,b\n1\t,2\n": (True, False),
    b"a,b\n\x01,2\n": (True, False),
    b"a,b\n\x7f,2\n": (True, False),
    "a,b\nx\x85,2\n".encode(): (True, False),
    "a,b\nx\ufeff,2\n".encode(): (True, False),
    "a,b\nx\u2028,2\n".encode(): (True, False),
    'a,b\n"x\u2029",2\n'.encode(): (True, True),
}


@pytest.mark.parametrize("data", list(CASES), ids=range(len(CASES)))
def test_traits(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    found = text_traits(path)
    assert (found.control, found.quotes) == CASES[data]


@pytest.mark.parametrize("at", range(1, 4))
def test_a_character_across_two_blocks(at: int, tmp_path: Path) -> None:
    """U+2028 split over two blocks of the read is still found."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"a" * (16 - at) + "\u2028".encode() + b"\n")
    assert text_traits(path, block_size=16).control
    path.write_bytes(b"a" * (16 - at) + "é".encode() + b"\n")
    assert not text_traits(path, block_size=16).control
