"""HIC categories and their crime codes, read from ``taxonomy.yaml``.

The mapping lives in data so that the definition of a category (notably *geweld*) can be
changed without touching code. Non-HIC crime codes are kept in the store; they simply belong
to no category here.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from hicmonitor.errors import HicError

GEWELD_ENV = "HICMONITOR_GEWELD"


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    plural: str
    codes: tuple[str, ...]
    series: str | None = None  # a category with its own series instead of crime codes

    @property
    def from_police_codes(self) -> bool:
        return self.series is None


class TaxonomyError(HicError, ValueError):
    """A category or code the taxonomy does not know (a user error: printed, exit 1)."""


def _geweld_override(allowed: list[str]) -> tuple[str, ...] | None:
    raw = os.environ.get(GEWELD_ENV, "").strip()
    if not raw:
        return None
    codes = tuple(c.strip() for c in raw.split(",") if c.strip())
    bad = [c for c in codes if c not in allowed]
    if bad or not codes:
        raise TaxonomyError(
            f"{GEWELD_ENV}={raw!r}: geweld mag alleen bestaan uit {', '.join(allowed)}"
            + (f"; onbekend: {', '.join(bad)}" if bad else "")
        )
    return codes


@cache
def _load(geweld_override: str) -> tuple[Category, ...]:
    doc = yaml.safe_load(files("hicmonitor").joinpath("taxonomy.yaml").read_text("utf-8"))
    cats = []
    for item in doc["categories"]:
        codes = tuple(item.get("codes", []))
        if item["id"] == "geweld":
            codes = _geweld_override(item["allowed_codes"]) or codes
        cats.append(
            Category(
                id=item["id"],
                label=item["label"],
                plural=item["plural"],
                codes=codes,
                series=item.get("series"),
            )
        )
    return tuple(cats)


def categories() -> tuple[Category, ...]:
    """All HIC categories in their fixed report order."""
    return _load(os.environ.get(GEWELD_ENV, ""))


def police_categories() -> tuple[Category, ...]:
    """The categories counted from police crime codes (all but ram- en plofkraken)."""
    return tuple(c for c in categories() if c.from_police_codes)


def category(cat_id: str) -> Category:
    """The category with this id (case and surrounding spaces ignored); unknown ids name the closest."""
    key = cat_id.strip().lower()
    for c in categories():
        if c.id == key:
            return c
    known = [c.id for c in categories()]
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.4)
    hint = f"; bedoelde u: {', '.join(close)}" if close else ""
    raise TaxonomyError(f"onbekende categorie {cat_id!r}{hint} (kies uit: {', '.join(known)})")


def code_to_category() -> dict[str, str]:
    """Crime code -> category id, for the categories built from police codes."""
    return {code: c.id for c in police_categories() for code in c.codes}
