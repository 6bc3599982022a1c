"""Output of the Knox test: Rich tables, CSV, JSON, a heat map and a Dutch summary.

The summary follows the Near Repeat Calculator's (Ratcliffe 2009) wording, in Dutch, and only
speaks of cells with ``p <= 0.05`` and a Knox ratio ``>= 1.2``; it always names the bands by
their true intervals (the NRC's own labels are off by one, see ``docs/nabijheid.md``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table

from hicmonitor.analysis.nearrepeat import KnoxResult, fmt_number
from hicmonitor.analysis.repeat import RepeatResult
from hicmonitor.errors import HicError

ALPHA = 0.05
MIN_RATIO = 1.2

#: The singular noun per HIC category (taxonomy id) used in the summary sentences.
NOUNS: dict[str, str] = {
    "woninginbraak": "woninginbraak",
    "straatroof": "straatroof",
    "overval": "overval",
    "geweld": "geweldsdelict",
    "ram_plofkraak": "ram- of plofkraak",
    "incident": "incident",
}
#: Nouns that take "het" (and so the uninflected adjective: "een volgend incident").
NEUTER = {"incident", "geweldsdelict", "delict", "misdrijf"}


def _next(noun: str) -> str:
    """'volgend' or 'volgende', agreeing with the noun after the indefinite article."""
    return "volgend" if noun.split()[-1] in NEUTER else "volgende"


def _pct(v: float, digits: int = 2) -> str:
    if not math.isfinite(v):
        return "–"
    return f"{v:.{digits}f}".replace(".", ",")


def significant(result: KnoxResult, alpha: float = ALPHA, min_ratio: float = MIN_RATIO):
    """Boolean (space × time) array of the cells with p <= alpha and ratio >= min_ratio."""
    ratio = np.nan_to_num(result.knox_ratio, nan=0.0, posinf=np.inf)
    return (result.p_values <= alpha) & (ratio >= min_ratio)


# --------------------------------------------------------------------------------------------
# tables


def rich_tables(result: KnoxResult, alpha: float = ALPHA, min_ratio: float = MIN_RATIO):
    """Three Rich tables: observed pairs, Knox ratios and p-values; significant cells in bold."""
    sig = significant(result, alpha, min_ratio)
    s_lab, t_lab = result.space.display_labels(), result.time.display_labels()
    ratio = result.knox_ratio
    specs = [
        ("Waargenomen paren", lambda i, j: f"{int(result.observed[i, j]):,}".replace(",", ".")),
        ("Knox-ratio (waargenomen / gemiddelde simulatie)", lambda i, j: _pct(ratio[i, j])),
        (
            f"p-waarde ({result.permutations} permutaties)",
            lambda i, j: _pct(result.p_values[i, j], 3),
        ),
    ]
    tables = []
    for title, cell in specs:
        table = Table(title=title, title_justify="left")
        table.add_column("afstand (m) \\ dagen", style="bold")
        for lab in t_lab:
            table.add_column(lab, justify="right")
        for i, lab in enumerate(s_lab):
            row = []
            for j in range(len(t_lab)):
                text = cell(i, j)
                row.append(f"[bold red]{text}[/]" if sig[i, j] else text)
            table.add_row(lab, *row)
        tables.append(table)
    return tables


def write_csv(result: KnoxResult, path: str | Path | None = None) -> str:
    """The cells as CSV (one row per cell); written to ``path`` when given, and returned."""
    frame = result.to_frame()
    frame["significant"] = significant(result).ravel()
    text = frame.to_csv(index=False, float_format="%.6g")
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _clean(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def to_json(result: KnoxResult, source: str | None = None, delict: str = "incident") -> str:
    """Parameters, the cells and the Dutch summary as JSON (infinite edges as null)."""
    frame = result.to_frame()
    frame["significant"] = significant(result).ravel()
    doc = {
        "bron": source,
        "incidenten": result.n_events,
        "afstandsmaat": result.metric,
        "permutaties": result.permutations,
        "zaad": result.seed,
        "afstandsbanden": {
            "grenzen": [_clean(float(v)) for v in result.space.edges],
            "gesloten": result.space.closed,
            "include_lowest": result.space.include_lowest,
        },
        "tijdbanden": {
            "grenzen": [_clean(float(v)) for v in result.time.edges],
            "gesloten": result.time.closed,
            "include_lowest": result.time.include_lowest,
        },
        "cellen": [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")],
        "samenvatting": summary_nl(result, delict),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------------------------
# summary


def _space_phrase(a: float, b: float) -> str:
    if a == 0 and b <= 1:
        return "op dezelfde locatie"
    if math.isinf(b):
        return f"op meer dan {fmt_number(a)} meter"
    if a == 0:
        return f"binnen {fmt_number(b)} meter"
    return f"op {fmt_number(a)} tot {fmt_number(b)} meter"


def _time_phrase(a: float, b: float, after_binnen: bool) -> str:
    if math.isinf(b):
        return f"meer dan {fmt_number(a)} dagen"
    unit = "dag" if b == 1 and a == 0 else "dagen"
    if a == 0:
        return f"{fmt_number(b)} {unit}" if after_binnen else f"binnen {fmt_number(b)} {unit}"
    return f"{fmt_number(a)} tot {fmt_number(b)} dagen"


def summary_nl(
    result: KnoxResult,
    delict: str = "incident",
    alpha: float = ALPHA,
    min_ratio: float = MIN_RATIO,
) -> list[str]:
    """Dutch sentences in the manner of the Near Repeat Calculator, one per significant cell.

    Only cells with ``p <= alpha`` and Knox ratio ``>= min_ratio``; the percentage is
    ``(ratio - 1) * 100``, rounded.
    """
    noun = NOUNS.get(delict, delict)
    sig = significant(result, alpha, min_ratio)
    ratio = result.knox_ratio
    s_int, t_int = result.space.interval_labels(), result.time.interval_labels()
    lines = []
    if not sig.any():
        return [
            f"Geen significant en betekenisvol nabijheidspatroon gevonden: geen cel met "
            f"p ≤ {_pct(alpha)} en Knox-ratio ≥ {_pct(min_ratio, 1)} "
            f"({result.n_events} incidenten, {result.permutations} permutaties)."
        ]
    near = [(i, j) for i, j in zip(*np.nonzero(sig), strict=True)]
    same = [c for c in near if result.space.edges[c[0]] == 0 and result.space.edges[c[0] + 1] <= 1]
    if len(near) > len(same):
        lines.append(
            "Significant en betekenisvol nabijheidspatroon gevonden: na een "
            f"{noun} is er in de omgeving een tijd lang meer kans op een {_next(noun)} {noun}."
        )
    if same:
        lines.append(
            "Significant en betekenisvol patroon van herhaald slachtofferschap gevonden: na een "
            f"{noun} is er op dezelfde locatie een tijd lang meer kans op een {_next(noun)}."
        )
    for i, j in near:
        sa, sb = result.space.edges[i], result.space.edges[i + 1]
        ta, tb = result.time.edges[j], result.time.edges[j + 1]
        sp = _space_phrase(sa, sb)
        tp = _time_phrase(ta, tb, after_binnen=sp.startswith("binnen"))
        pct = round((ratio[i, j] - 1) * 100)
        text = f"{sp} en {tp} na een {noun}"
        lines.append(
            f"{text[0].upper()}{text[1:]} is de kans op een {_next(noun)} {noun} ongeveer {pct}% "
            f"groter dan zonder patroon (afstand {s_int[i]} m, dagen {t_int[j]}; Knox-ratio "
            f"{_pct(ratio[i, j])}; p = {_pct(result.p_values[i, j], 3)})."
        )
    return lines


def repeat_summary_nl(res: RepeatResult, delict: str = "incident") -> list[str]:
    """Dutch sentences for repeat victimisation."""
    noun = NOUNS.get(delict, delict)
    lines = [
        f"{res.n_incidents} incidenten op {res.n_locations} locaties (locatie = {res.key}); "
        f"{res.n_repeat_locations} locaties ({_pct(100 * res.n_repeat_locations / res.n_locations, 1)}%) "
        "zijn vaker dan eens getroffen."
    ]
    for w, share in res.windows.items():
        lines.append(
            f"Binnen {w} dagen na een {noun} opnieuw getroffen: "
            f"{_pct(100 * share, 1)}% van de locaties."
        )
    if len(res.gaps_days):
        lines.append(
            f"Mediane tijd tot de herhaling: {_pct(float(np.median(res.gaps_days)), 1)} dagen."
        )
    return lines


# --------------------------------------------------------------------------------------------
# heat map


def heatmap(
    result: KnoxResult,
    path: str | Path,
    alpha: float = ALPHA,
    min_ratio: float = MIN_RATIO,
) -> Path:
    """A heat map of the Knox ratios (PNG or SVG by the file suffix); significant cells
    (p <= alpha and ratio >= min_ratio) get a thick black border and bold text."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise HicError(f"{path}: kaart moet een .png- of .svg-bestand zijn")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Rectangle

    ratio = result.knox_ratio
    shown = np.where(np.isfinite(ratio), ratio, np.nan)
    hi = float(np.nanmax(shown)) if np.isfinite(shown).any() else 2.0
    lo = float(np.nanmin(shown)) if np.isfinite(shown).any() else 0.0
    norm = TwoSlopeNorm(vcenter=1.0, vmin=min(lo, 0.99), vmax=max(hi, 1.01))
    sig = significant(result, alpha, min_ratio)
    ns, nt = ratio.shape
    fig, ax = plt.subplots(figsize=(1.3 * nt + 2.5, 0.6 * ns + 1.8))
    im = ax.imshow(shown, cmap="RdBu_r", norm=norm, aspect="auto")
    for i in range(ns):
        for j in range(nt):
            ax.text(
                j,
                i,
                _pct(ratio[i, j]),
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold" if sig[i, j] else "normal",
                color="white"
                if np.isfinite(shown[i, j]) and abs(norm(shown[i, j]) - 0.5) > 0.35
                else "black",
            )
            if sig[i, j]:
                ax.add_patch(
                    Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, linewidth=2.5, color="black")
                )
    ax.set_xticks(range(nt), result.time.display_labels())
    ax.set_yticks(range(ns), result.space.display_labels())
    ax.set_xlabel("tijd tussen incidenten (dagen)")
    ax.set_ylabel("afstand (m)")
    ax.set_title(
        f"Knox-ratio; omrand: p ≤ {_pct(alpha)} en ratio ≥ {_pct(min_ratio, 1)}", fontsize=10
    )
    fig.colorbar(im, ax=ax, label="Knox-ratio")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
