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
from hicmonitor.format_nl import number

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
    """The cells as CSV (one row per cell, with the run's permutations and seed, so a file can
    be reproduced); written to ``path`` when given, and returned. Machine-readable: decimal
    points."""
    frame = result.to_frame()
    frame["significant"] = significant(result).ravel()
    frame["permutaties"] = result.permutations
    frame["zaad"] = result.seed
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
        "zaad_willekeurig_gekozen": result.seed_drawn,
        "rekenprecisie": "float32" if result.single_precision else "float64",
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


def _is_same_location(space, i: int) -> bool:
    """The band of identical locations: the point band ``[0; 0]``, or (without one) a first
    band ``[0; b)`` with ``b <= 1`` m."""
    a, b = space.edges[i], space.edges[i + 1]
    if space.point_first:
        return i == 0
    return a == 0 and b <= 1


def _space_phrase(space, i: int) -> str:
    a, b = space.edges[i], space.edges[i + 1]
    if _is_same_location(space, i):
        return "op dezelfde locatie"
    if math.isinf(b):
        return f"op meer dan {fmt_number(a)} meter"
    if a == 0 and space.point_first:
        return f"binnen {fmt_number(b)} meter (niet op dezelfde locatie)"
    if a == 0:
        return f"binnen {fmt_number(b)} meter"
    return f"op {fmt_number(a)} tot {fmt_number(b)} meter"


def _time_phrase(time, j: int, after_binnen: bool, ticks_per_day: int) -> str:
    a, b = time.edges[j], time.edges[j + 1]
    if time.point_first and j == 0:
        return "op dezelfde dag" if ticks_per_day == 1 else "op precies hetzelfde tijdstip"
    only_zero = time.closed == "left" and not (time.include_lowest and j == time.n - 1)
    if ticks_per_day == 1 and a == 0 and b == 1 and only_zero:
        return "op dezelfde dag"  # whole days: [0; 1) holds only a gap of 0 days
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
    same = [c for c in near if _is_same_location(result.space, c[0])]
    if len(near) > len(same):
        lines.append(
            "Significant en betekenisvol nabijheidspatroon gevonden: na een "
            f"{noun} is er in de omgeving een tijd lang meer kans op een {_next(noun)} {noun}."
        )
    if same:
        lines.append(
            "Significant en betekenisvol patroon van herhaald slachtofferschap gevonden: na een "
            f"{noun} is er op dezelfde locatie een tijd lang meer kans op een {_next(noun)} "
            f"{noun}."
        )
    for i, j in near:
        sp = _space_phrase(result.space, i)
        tp = _time_phrase(
            result.time, j, after_binnen=sp.startswith("binnen"), ticks_per_day=result.ticks_per_day
        )
        pct = number(round((ratio[i, j] - 1) * 100))
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

#: Candidate colour-bar ticks above 1 (their reciprocals below 1 are used too).
_TICKS = (1.25, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1000.0)


def ratio_scale(ratio: np.ndarray) -> tuple[float, float]:
    """The colour range of the heat map: symmetric around 1 on a log scale, [1/m, m], with m
    the largest factor by which a finite, positive ratio differs from 1 (at least 1.25)."""
    r = np.asarray(ratio, dtype=float)
    pos = r[np.isfinite(r) & (r > 0)]
    m = 1.25
    if pos.size:
        m = max(m, float(pos.max()), float(1 / pos.min()))
    return 1 / m, m


def ratio_ticks(lo: float, hi: float) -> list[float]:
    """Ticks of the colour bar: always 1, and round factors and their reciprocals in range."""
    ticks = {1.0}
    for v in _TICKS:
        if v <= hi * (1 + 1e-9):
            ticks.add(v)
        if 1 / v >= lo * (1 - 1e-9):
            ticks.add(1 / v)
    out = sorted(ticks)
    while len(out) > 9:  # thin out, keeping 1 and the ends
        keep = {0, len(out) - 1, out.index(1.0)}
        out = [v for k, v in enumerate(out) if k in keep or k % 2 == 0]
    return out


def _tick_label(v: float) -> str:
    return number(v, 0) if float(v).is_integer() else number(v, 2).rstrip("0").rstrip(",")


def heatmap_figure(result: KnoxResult, alpha: float = ALPHA, min_ratio: float = MIN_RATIO):
    """(figure, axes, colour bar) of the Knox ratios: a logarithmic colour scale centred on 1
    (a ratio of 2 and of 0,5 are equally far from 1), with a tick at 1; ratio 0 (no observed
    pairs) gets the lowest colour. Significant cells (p <= alpha and ratio >= min_ratio) get a
    thick black border and bold text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import FixedLocator, NullLocator

    ratio = result.knox_ratio
    lo, hi = ratio_scale(ratio)
    norm = LogNorm(vmin=lo, vmax=hi, clip=True)
    shown = np.where(np.isfinite(ratio), np.clip(ratio, lo, hi), np.nan)
    sig = significant(result, alpha, min_ratio)
    ns, nt = ratio.shape
    fig, ax = plt.subplots(figsize=(1.3 * nt + 2.5, 0.6 * ns + 1.8))
    im = ax.imshow(shown, cmap="RdBu_r", norm=norm, aspect="auto")
    for i in range(ns):
        for j in range(nt):
            far = np.isfinite(shown[i, j]) and abs(np.log(shown[i, j])) > 0.6 * np.log(hi)
            ax.text(
                j,
                i,
                _pct(ratio[i, j]),
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold" if sig[i, j] else "normal",
                color="white" if far else "black",
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
        f"Knox-ratio ({number(result.permutations)} permutaties, zaad {result.seed}); "
        f"omrand: p ≤ {_pct(alpha)} en ratio ≥ {_pct(min_ratio, 1)}",
        fontsize=9,
    )
    bar = fig.colorbar(im, ax=ax, label="Knox-ratio (logaritmische schaal)")
    ticks = ratio_ticks(lo, hi)
    bar.ax.yaxis.set_major_locator(FixedLocator(ticks))
    bar.ax.yaxis.set_minor_locator(NullLocator())
    bar.ax.set_yticklabels([_tick_label(v) for v in ticks])
    fig.tight_layout()
    return fig, ax, bar


def heatmap(
    result: KnoxResult,
    path: str | Path,
    alpha: float = ALPHA,
    min_ratio: float = MIN_RATIO,
) -> Path:
    """The heat map of ``heatmap_figure`` as PNG or SVG (by the file suffix)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise HicError(f"{path}: kaart moet een .png- of .svg-bestand zijn")
    import matplotlib.pyplot as plt

    fig, _, _ = heatmap_figure(result, alpha, min_ratio)
    try:  # a refused folder or a full disk is explained by the CLI's one error handler
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)
    return path
