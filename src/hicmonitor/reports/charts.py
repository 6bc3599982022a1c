"""All charts: one house style, drawn with matplotlib (SVG, PNG) and as Vega-Lite (JSON).

Trend charts of one HIC category in one region (the CLI's ``trend --grafiek``, the web):
``trend_figure(series, ...)`` draws the yearly counts (or rates) as a line, shades the Covid
years, marks the baseline level with a dashed line, and shows provisional years with open
markers. Labels are Dutch and numbers use the Dutch format (22.706; 3,8).
``save_figure(fig, path)`` writes SVG or PNG by the file suffix; ``vega_lite(series, ...)``
returns the same chart as a Vega-Lite v5 specification for the web (data inline, Dutch
number format through the spec's ``config.locale``).

``series`` is a frame with ``year``, the value column (``count`` by default) and optionally
``provisional``: one category in one region, e.g. a slice of ``yearly_trends``.

The Kamerbrief's chart (``hic_chart``): one small panel per category, counts per year. Small
multiples instead of one plot, because the categories differ a hundredfold in size
(overvallen in the hundreds, geweld in the tens of thousands). Drawn with matplotlib's
non-interactive Agg backend in the package's own font, as PNG (Word) and SVG (HTML/PDF).

Both share the colours below.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from hicmonitor import format_nl  # noqa: E402
from hicmonitor.analysis.trends import COVID_YEARS, Baseline, parse_baseline  # noqa: E402
from hicmonitor.errors import HicError  # noqa: E402

if TYPE_CHECKING:
    from hicmonitor.reports.figures import ReportFigures

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
LINE_COLOUR = "#154273"  # Rijkshuisstijl donkerblauw
COVID_COLOUR = "#e6e6e6"
BASE_COLOUR = "#ca005d"
GRID_COLOUR = "#dddddd"
REPORT_FONT = "Noto Sans"  # shipped in reports/fonts, so PDF and Word look alike everywhere
VALUE_LABELS = {"count": "aantal geregistreerd", "rate_per_1000": "per 1.000 inwoners"}
FORMATS = (".svg", ".png", ".json")


def _points(series: pd.DataFrame, value: str) -> pd.DataFrame:
    if value not in series.columns:
        raise HicError(f"grafiek: kolom {value!r} ontbreekt")
    s = series.sort_values("year")
    out = pd.DataFrame(
        {
            "year": s["year"].astype(int).to_numpy(),
            "value": s[value].astype(float).to_numpy(),
            "provisional": (
                s["provisional"].astype(bool).to_numpy() if "provisional" in s else False
            ),
        }
    )
    return out


def _baseline_level(points: pd.DataFrame, base: Baseline) -> float | None:
    sel = points[points["year"].isin(base.years)]["value"]
    if len(sel) != len(base.years) or sel.isna().any():
        return None
    return float(sel.mean())


def trend_figure(
    series: pd.DataFrame,
    *,
    title: str,
    value: str = "count",
    baseline: int | str | Baseline | None = None,
    covid_years: Sequence[int] = COVID_YEARS,
    width: float = 7.0,
    height: float = 3.6,
) -> Figure:
    """A line chart of one series (see the module docstring)."""
    base = parse_baseline(baseline)
    pts = _points(series, value)
    decimals = 0 if value == "count" else 1
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_subplot()
    if covid_years:
        ax.axvspan(
            min(covid_years) - 0.5,
            max(covid_years) + 0.5,
            color=COVID_COLOUR,
            zorder=0,
            label="coronajaren",
        )
    ok = pts.dropna(subset=["value"])
    prov = ok[ok["provisional"]]
    ax.plot(
        ok["year"],
        ok["value"],
        color=LINE_COLOUR,
        linewidth=2,
        marker="o",
        markersize=4,
        markevery=[i for i, p in enumerate(ok["provisional"]) if not p],
        zorder=3,
        label="geregistreerd",
    )
    if len(prov):
        ax.plot(
            prov["year"],
            prov["value"],
            linestyle="none",
            marker="o",
            markersize=5,
            markerfacecolor="white",
            markeredgecolor=LINE_COLOUR,
            zorder=4,
            label="voorlopig",
        )
    level = _baseline_level(pts, base)
    if level is not None:
        ax.axhline(
            level,
            color=BASE_COLOUR,
            linestyle="--",
            linewidth=1,
            zorder=2,
            label=f"niveau {base.label} ({format_nl.number(level, decimals)})",
        )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_nl.number(v, decimals)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{int(round(v))}"))
    top = ok["value"].max() if len(ok) else 0.0
    ax.set_ylim(0, (top if top and math.isfinite(top) and top > 0 else 1.0) * 1.12)
    if len(pts):
        ax.set_xlim(pts["year"].min() - 0.5, pts["year"].max() + 0.5)
    ax.set_ylabel(VALUE_LABELS.get(value, value))
    ax.set_xlabel("")
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, fontsize=8, frameon=False)
    if len(ok) == 0:
        ax.text(0.5, 0.5, "geen cijfers", ha="center", va="center", transform=ax.transAxes)
    fig.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.2)
    return fig


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as SVG or PNG (by suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise HicError(f"{path}: grafiek als .svg of .png (of .json voor Vega-Lite)")
    path.parent.mkdir(parents=True, exist_ok=True)
    # SVG text stays text (searchable, small, fast); PNG is rendered with the same fonts
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "hicmonitor"}):
        fig.savefig(path, format=suffix[1:], metadata={"Date": None} if suffix == ".svg" else None)
    return path


def vega_lite(
    series: pd.DataFrame,
    *,
    title: str,
    value: str = "count",
    baseline: int | str | Baseline | None = None,
    covid_years: Sequence[int] = COVID_YEARS,
) -> dict[str, Any]:
    """The chart as a Vega-Lite v5 specification (a JSON-ready dict)."""
    base = parse_baseline(baseline)
    pts = _points(series, value)
    decimals = 0 if value == "count" else 1
    fmt = ",.0f" if decimals == 0 else ",.1f"
    values = [
        {
            "jaar": int(r.year),
            "waarde": None if math.isnan(r.value) else float(r.value),
            "status": "voorlopig" if r.provisional else "definitief",
        }
        for r in pts.itertuples()
    ]
    ytitle = VALUE_LABELS.get(value, value)
    layers: list[dict[str, Any]] = []
    if covid_years:
        layers.append(
            {
                "data": {
                    "values": [{"van": min(covid_years) - 0.5, "tot": max(covid_years) + 0.5}]
                },
                "mark": {"type": "rect", "color": COVID_COLOUR},
                "encoding": {"x": {"field": "van", "type": "quantitative"}, "x2": {"field": "tot"}},
            }
        )
    layers.append(
        {
            "mark": {"type": "line", "color": LINE_COLOUR, "point": False},
            "encoding": {
                "x": {
                    "field": "jaar",
                    "type": "quantitative",
                    "title": "jaar",
                    "axis": {"format": "d", "tickMinStep": 1},
                    "scale": {"zero": False},
                },
                "y": {
                    "field": "waarde",
                    "type": "quantitative",
                    "title": ytitle,
                    "axis": {"format": fmt},
                },
            },
        }
    )
    layers.append(
        {
            "mark": {"type": "point", "filled": True, "color": LINE_COLOUR},
            "encoding": {
                "x": {"field": "jaar", "type": "quantitative"},
                "y": {"field": "waarde", "type": "quantitative"},
                "shape": {"field": "status", "type": "nominal", "title": "cijfer"},
                "tooltip": [
                    {"field": "jaar", "type": "quantitative", "format": "d"},
                    {"field": "waarde", "type": "quantitative", "format": fmt, "title": ytitle},
                    {"field": "status", "type": "nominal"},
                ],
            },
        }
    )
    level = _baseline_level(pts, base)
    if level is not None:
        layers.append(
            {
                "data": {"values": [{"niveau": level, "label": f"niveau {base.label}"}]},
                "mark": {"type": "rule", "color": BASE_COLOUR, "strokeDash": [4, 3]},
                "encoding": {
                    "y": {"field": "niveau", "type": "quantitative"},
                    "tooltip": [
                        {"field": "label", "type": "nominal"},
                        {"field": "niveau", "type": "quantitative", "format": fmt},
                    ],
                },
            }
        )
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": 560,
        "height": 260,
        "data": {"values": values},
        "layer": layers,
        "config": {
            "locale": {
                "number": {
                    "decimal": ",",
                    "thousands": ".",
                    "grouping": [3],
                    "currency": ["€\u00a0", ""],
                }
            }
        },
    }


# --- the Kamerbrief's chart --------------------------------------------------------------


def _register_fonts() -> None:
    folder = files("hicmonitor.reports").joinpath("fonts")
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        font_manager.fontManager.addfont(str(folder.joinpath(name)))


def hic_chart(
    figs: ReportFigures, covid_years: tuple[int, ...] = (2020, 2021)
) -> tuple[bytes, str]:
    """The chart as (PNG bytes, SVG text) for all years from the base year to the report year."""
    import matplotlib.pyplot as plt

    _register_fonts()
    with plt.rc_context(
        {
            "font.family": REPORT_FONT,
            "font.size": 8,
            "svg.fonttype": "path",  # no font needed where the SVG is shown
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlesize": 9,
        }
    ):
        fig, axes = plt.subplots(2, 2, figsize=(6.3, 4.2), dpi=200)
        fig.subplots_adjust(left=0.09, right=0.985, bottom=0.07, top=0.94, wspace=0.28, hspace=0.42)
        fmt = FuncFormatter(lambda v, _pos: format_nl.number(v))
        for ax, row in zip(axes.flat, figs.categories, strict=False):
            years = [y for y in sorted(row.counts) if figs.base_year <= y <= figs.year]
            values = [row.counts[y] for y in years]
            for cy in covid_years:
                if years and years[0] <= cy <= years[-1]:
                    ax.axvspan(cy - 0.5, cy + 0.5, color=COVID_COLOUR, lw=0)
            ax.plot(years, values, color=LINE_COLOUR, lw=1.6, marker="o", ms=2.5)
            ax.plot([years[-1]], [values[-1]], marker="o", ms=4.5, color=LINE_COLOUR)
            ax.set_title(row.label, loc="left")
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(fmt)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
            ax.grid(axis="y", color=GRID_COLOUR, lw=0.5)
            ax.tick_params(length=2)
        for ax in list(axes.flat)[len(figs.categories) :]:
            ax.set_visible(False)
        png = io.BytesIO()
        fig.savefig(png, format="png")
        svg = io.StringIO()
        fig.savefig(svg, format="svg")
        plt.close(fig)
    text = svg.getvalue()
    return png.getvalue(), text[text.index("<svg") :]


# --- the web's trend chart: plain SVG, no script and no inline style ----------------------


def _nice_step(top: float, ticks: int = 5) -> float:
    raw = top / ticks if top > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def trend_svg(
    series: pd.DataFrame,
    *,
    title: str,
    chart_id: str,
    value: str = "count",
    baseline: int | str | Baseline | None = None,
    covid_years: Sequence[int] = COVID_YEARS,
    width: int = 640,
    height: int = 280,
) -> str:
    """The trend chart of :func:`trend_figure` as SVG markup for a web page.

    Colours are presentation attributes and the layout is classes, so the page's
    Content-Security-Policy needs no ``unsafe-inline``; every point carries its year and value
    (``data-jaar``, ``data-waarde``) for the page's script to show on hover. The chart is an
    image with a title and a description (``role="img"``); the page shows the table beside it.
    """
    base = parse_baseline(baseline)
    pts = _points(series, value)
    ok = pts.dropna(subset=["value"])
    decimals = 0 if value == "count" else 2
    left, right, top_m, bottom = 64, 12, 16, 58
    pw, ph = width - left - right, height - top_m - bottom
    years = [int(y) for y in pts["year"]] or [0]
    y0, y1 = min(years) - 0.5, max(years) + 0.5
    vmax = float(ok["value"].max()) if len(ok) else 0.0
    step = _nice_step(vmax * 1.05 if vmax > 0 else 1.0)
    ytop = step * math.ceil((vmax * 1.05 if vmax > 0 else 1.0) / step)

    def x(year: float) -> float:
        return round(left + (year - y0) / (y1 - y0) * pw, 1)

    def y(v: float) -> float:
        return round(top_m + ph - v / ytop * ph, 1)

    ylabel = VALUE_LABELS.get(value, value)
    desc = f"{ylabel} per jaar"
    if len(ok):
        first, last = ok.iloc[0], ok.iloc[-1]
        desc += (
            f", van {format_nl.number(first.value, decimals)} in {int(first.year)} "
            f"tot {format_nl.number(last.value, decimals)} in {int(last.year)}"
            + (" (voorlopig)" if bool(last.provisional) else "")
        )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grafiek" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" id="{chart_id}">',
        f'<title id="{chart_id}-t">{_esc(title)}</title>',
        f'<desc id="{chart_id}-d">{_esc(desc)}.</desc>',
    ]
    if covid_years and min(covid_years) <= max(years) and max(covid_years) >= min(years):
        cx0, cx1 = x(max(min(covid_years) - 0.5, y0)), x(min(max(covid_years) + 0.5, y1))
        out.append(
            f'<rect class="corona" x="{cx0}" y="{top_m}" width="{round(cx1 - cx0, 1)}" '
            f'height="{ph}" fill="{COVID_COLOUR}"/>'
        )
    tick = 0.0
    while tick <= ytop + 1e-9:
        ty = y(tick)
        out.append(
            f'<line class="raster" x1="{left}" x2="{left + pw}" y1="{ty}" y2="{ty}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        label = format_nl.number(tick, 0 if step >= 1 else (1 if step >= 0.1 else 2))
        out.append(
            f'<text class="as" x="{left - 6}" y="{ty + 4}" text-anchor="end" '
            f'font-size="12" fill="#333333">{label}</text>'
        )
        tick += step
    every = 1 if len(years) <= 14 else 2
    for i, yr in enumerate(years):
        if i % every == 0:
            out.append(
                f'<text class="as" x="{x(yr)}" y="{top_m + ph + 18}" text-anchor="middle" '
                f'font-size="12" fill="#333333">{yr}</text>'
            )
    out.append(
        f'<line class="as" x1="{left}" x2="{left + pw}" y1="{top_m + ph}" y2="{top_m + ph}" '
        f'stroke="#333333" stroke-width="1"/>'
    )
    level = _baseline_level(pts, base)
    if level is not None:
        ly = y(level)
        out.append(
            f'<line class="basis" x1="{left}" x2="{left + pw}" y1="{ly}" y2="{ly}" '
            f'stroke="{BASE_COLOUR}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    if len(ok) > 1:
        d = " ".join(f"{x(r.year)},{y(r.value)}" for r in ok.itertuples())
        out.append(
            f'<polyline class="lijn" points="{d}" fill="none" stroke="{LINE_COLOUR}" '
            f'stroke-width="2.5"/>'
        )
    for r in ok.itertuples():
        prov = bool(r.provisional)
        text = format_nl.number(r.value, decimals)
        out.append(
            f'<circle class="punt{" voorlopig" if prov else ""}" cx="{x(r.year)}" '
            f'cy="{y(r.value)}" r="{5 if prov else 4}" fill="{"#ffffff" if prov else LINE_COLOUR}" '
            f'stroke="{LINE_COLOUR}" stroke-width="2" data-jaar="{int(r.year)}" '
            f'data-waarde="{text}"{" data-voorlopig=" + chr(34) + "ja" + chr(34) if prov else ""}/>'
        )
    if len(ok) == 0:
        out.append(
            f'<text x="{left + pw / 2}" y="{top_m + ph / 2}" text-anchor="middle" '
            f'font-size="14" fill="#333333">geen cijfers</text>'
        )
    # legend
    ly0 = height - 16
    items = [("lijn", "geregistreerd")]
    if covid_years:
        items.append(("corona", "coronajaren"))
    if len(ok) and ok["provisional"].any():
        items.append(("voorlopig", "voorlopig"))
    if level is not None:
        items.append(("basis", f"niveau {base.label} ({format_nl.number(level, decimals)})"))
    lx = left
    for kind, label in items:
        if kind == "lijn":
            out.append(
                f'<line x1="{lx}" x2="{lx + 18}" y1="{ly0 - 4}" y2="{ly0 - 4}" '
                f'stroke="{LINE_COLOUR}" stroke-width="2.5"/>'
            )
        elif kind == "corona":
            out.append(
                f'<rect x="{lx}" y="{ly0 - 11}" width="18" height="12" fill="{COVID_COLOUR}"/>'
            )
        elif kind == "voorlopig":
            out.append(
                f'<circle cx="{lx + 9}" cy="{ly0 - 4}" r="5" fill="#ffffff" '
                f'stroke="{LINE_COLOUR}" stroke-width="2"/>'
            )
        else:
            out.append(
                f'<line x1="{lx}" x2="{lx + 18}" y1="{ly0 - 4}" y2="{ly0 - 4}" '
                f'stroke="{BASE_COLOUR}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            )
        out.append(
            f'<text x="{lx + 24}" y="{ly0}" font-size="12" fill="#333333">{_esc(label)}</text>'
        )
        lx += 24 + 7 * len(label) + 18
    out.append("</svg>")
    return "\n".join(out)
