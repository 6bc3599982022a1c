"""The disclosure rule for small areas: one function, used by every page and download.

Below municipality level (wijk, buurt; see ``disclosure.yaml``) a count from 1 up to the
threshold minus one is published as ``"< 5"`` (with the default threshold 5), and figures
derived from it (a rate per 1,000 inhabitants, a change) are withheld, since they would give
the count back. The threshold is configurable: ``HICMONITOR_DREMPEL`` or an explicit rule.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pandas as pd
import yaml

from hicmonitor.errors import HicError
from hicmonitor.regions import level_of

THRESHOLD_ENV = "HICMONITOR_DREMPEL"


@dataclass(frozen=True)
class DisclosureRule:
    threshold: int  # counts 1 .. threshold - 1 are hidden
    levels: frozenset[str]  # region levels the rule applies to

    @property
    def label(self) -> str:
        return f"< {self.threshold}"

    def applies(self, region_code: str) -> bool:
        return (level_of(region_code) or "") in self.levels


@cache
def _config() -> dict:
    text = files("hicmonitor.services").joinpath("disclosure.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def rule(threshold: int | None = None) -> DisclosureRule:
    """The rule in force: ``threshold`` if given, else ``HICMONITOR_DREMPEL``, else the YAML."""
    cfg = _config()
    if threshold is None:
        env = os.environ.get(THRESHOLD_ENV)
        if env:
            try:
                threshold = int(env)
            except ValueError:
                raise HicError(f"{THRESHOLD_ENV}={env!r}: geen geheel getal") from None
        else:
            threshold = int(cfg["threshold"])
    if threshold < 1:
        raise HicError(f"onthullingsdrempel {threshold}: moet 1 of hoger zijn")
    return DisclosureRule(threshold, frozenset(cfg["levels"]))


def disclose(
    count: int | None, region_code: str, r: DisclosureRule | None = None
) -> int | str | None:
    """The count as it may be published for ``region_code``: the number, or ``"< 5"``."""
    r = r or rule()
    if count is None or pd.isna(count):
        return None
    if r.applies(region_code) and 0 < int(count) < r.threshold:
        return r.label
    return int(count)


def disclose_frame(
    frame: pd.DataFrame,
    r: DisclosureRule | None = None,
    *,
    count: str = "count",
    region: str = "region_code",
    derived: tuple[str, ...] = (
        "per_1000",
        "rate_per_1000",
        "change_abs",
        "change_pct",
        "index",
        "trend_expected",
        "trend_deviation_pct",
    ),
) -> pd.DataFrame:
    """A copy of ``frame`` with the rule applied row by row (see :func:`disclose`).

    The count column becomes text-or-number only when a row is hidden; derived columns of a
    hidden row are emptied (NA).
    """
    r = r or rule()
    if frame.empty or count not in frame.columns:
        return frame.copy()
    out = frame.copy()
    applies = out[region].map(r.applies)
    hidden = applies & out[count].notna() & (out[count] > 0) & (out[count] < r.threshold)
    if hidden.any():
        out[count] = out[count].astype(object)
        out.loc[hidden, count] = r.label
        for col in derived:
            if col in out.columns:
                out[col] = out[col].astype("Float64")
                out.loc[hidden, col] = pd.NA
    return out
