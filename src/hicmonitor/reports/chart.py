"""The HIC chart of the Kamerbrief: one small panel per category, counts per year.

Small multiples instead of one plot, because the categories differ a hundredfold in size
(overvallen in the hundreds, geweld in the tens of thousands). Drawn with matplotlib's
non-interactive Agg backend in the package's own font, as PNG (Word) and SVG (HTML/PDF).
"""

from __future__ import annotations

import io
from importlib.resources import files

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from hicmonitor.format_nl import number  # noqa: E402
from hicmonitor.reports.figures import ReportFigures  # noqa: E402

FONT_FAMILY = "Noto Sans"
LINE = "#154273"  # dark blue, close to the government's "donkerblauw"
ACCENT = "#8fcae7"
COVID = "#e6e6e6"


def _register_fonts() -> None:
    folder = files("hicmonitor.reports").joinpath("fonts")
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        font_manager.fontManager.addfont(str(folder.joinpath(name)))


def hic_chart(
    figs: ReportFigures, covid_years: tuple[int, ...] = (2020, 2021)
) -> tuple[bytes, str]:
    """The chart as (PNG bytes, SVG text) for all years from the base year to the report year."""
    _register_fonts()
    with plt.rc_context(
        {
            "font.family": FONT_FAMILY,
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
        fmt = FuncFormatter(lambda v, _pos: number(v))
        for ax, row in zip(axes.flat, figs.categories, strict=False):
            years = [y for y in sorted(row.counts) if figs.base_year <= y <= figs.year]
            values = [row.counts[y] for y in years]
            for cy in covid_years:
                if years and years[0] <= cy <= years[-1]:
                    ax.axvspan(cy - 0.5, cy + 0.5, color=COVID, lw=0)
            ax.plot(years, values, color=LINE, lw=1.6, marker="o", ms=2.5)
            ax.plot([years[-1]], [values[-1]], marker="o", ms=4.5, color=LINE)
            ax.set_title(row.label, loc="left")
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(fmt)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
            ax.grid(axis="y", color="#dddddd", lw=0.5)
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
