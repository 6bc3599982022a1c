"""Find a region by code or by name: case, accents, quotes and hyphens ignored.

"Amsterdam", "amsterdam", "GM0363", "s-Hertogenbosch" and "'s-Hertogenbosch" all work. An
unknown or ambiguous name raises a Dutch error listing the closest names.
"""

from __future__ import annotations

import difflib

import duckdb

from hicmonitor.errors import HicError
from hicmonitor.regions import fold, level_of


def resolve_region(con: duckdb.DuckDBPyConnection, text: str) -> tuple[str, str]:
    """(code, name) for a region code or name."""
    query = text.strip()
    rows = con.execute("SELECT code, name, level, valid_to FROM regions").fetchall()
    by_code = {code: (name, valid_to) for code, name, _, valid_to in rows}
    if query.upper() in by_code:
        code = query.upper()
        name, valid_to = by_code[code]
        return code, name or (f"{code} (opgeheven in {valid_to + 1})" if valid_to else code)
    if level_of(query.upper()):
        raise HicError(f"regiocode {query!r} komt niet voor in de database")
    named = [(code, name) for code, name, _, valid_to in rows if name]
    key = fold(query)
    exact = [(c, n) for c, n in named if fold(n) == key]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise HicError(
            f"regio {query!r} is niet eenduidig: "
            + ", ".join(f"{n} ({c})" for c, n in exact)
            + "; geef de code"
        )
    folded = {fold(n): (c, n) for c, n in named}
    close = difflib.get_close_matches(key, list(folded), n=5, cutoff=0.6)
    partial = [
        folded[k]
        for k in folded
        if key and key in k and folded[k] not in [folded[c] for c in close]
    ]
    options = [folded[k] for k in close] + partial[: max(0, 5 - len(close))]
    hint = "; bedoelde u: " + ", ".join(f"{n} ({c})" for c, n in options) if options else ""
    raise HicError(f"onbekende regio {query!r}{hint}")
