"""Near-repeat analysis: the Knox test for space-time clustering with Monte Carlo inference.

Every pair of incidents is classified by its spatial distance into a spatial band and by its
time gap into a temporal band; the observed contingency table is compared with tables obtained
by randomly permuting the dates over the fixed locations (Knox 1964; Johnson et al. 2007).
Per cell this gives the observed count, the mean and median of the simulated counts, the Knox
ratio (observed / mean) and the Monte Carlo p-value ``(#{sim >= observed} + 1) / (nrep + 1)``,
exactly as in Ratcliffe's Near Repeat Calculator and Steenbeek's R package NearRepeat.

Band conventions follow R's ``cut``: by default every band is ``[a, b)`` (closed on the left,
``closed="left"``, ``include_lowest=False``), which is the default of NearRepeat; a last edge
of ``inf`` gives an open last band; a first pair of edges ``0, 0`` gives a band that holds a
distance (or gap) of exactly 0. ``nrc_bands`` builds the bands of the Near Repeat Calculator
together with its (off-by-one) labels, and ``single_precision=True`` computes the distances in
float32 as the calculator does. See ``docs/nabijheid.md``.

Speed by design (the reference implementations enumerate all n(n-1)/2 pairs per permutation):

* only pairs within the largest finite spatial edge are enumerated, on a grid of cells of that
  size, in parallel (``nearrepeat_kernels``);
* the counts of an open last spatial band are derived: permuting dates keeps the multiset of all
  pairwise time gaps, so per temporal band the total over all pairs is a constant, computed once
  from the sorted times in O(n log n); the open band is that total minus the enumerated bands;
* the permutations run in compiled kernels (numba), parallel over pairs, 64 replicates side by
  side in SIMD lanes; a gap is compared with the few boundaries between temporal bands instead
  of being looked up. Replicate ``k`` is a Fisher-Yates shuffle driven by its own SplitMix64
  stream keyed by the ``k``-th raw output of ``numpy.random.PCG64(seed)`` (``permutations``),
  so results are deterministic for a seed and independent of the number of threads.

References
----------
Knox, E.G. (1964). The detection of space-time interactions. *Journal of the Royal Statistical
Society C (Applied Statistics)* 13(1), 25-30.
Johnson, S.D., Bernasco, W., Bowers, K.J., Elffers, H., Ratcliffe, J., Rengert, G. & Townsley, M.
(2007). Space-time patterns of risk: a cross national assessment of residential burglary
victimization. *Journal of Quantitative Criminology* 23(3), 201-219.
Ratcliffe, J.H. (2009). Near Repeat Calculator (version 1.3). Temple University, Philadelphia PA
and the National Institute of Justice, Washington DC.
Steenbeek, W. (2019). NearRepeat: Near Repeat analysis using the Knox test. R package,
https://github.com/wsteenbeek/NearRepeat.
"""

from __future__ import annotations

import math
import os
import secrets
import time as _time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from hicmonitor.errors import HicError

Metric = Literal["manhattan", "euclidean"]
Closed = Literal["left", "right"]

#: More permutations than this are refused: p cannot go below 1/(nrep+1) and 10 million
#: already resolves p to 1e-7; beyond it a run only costs time and memory.
MAX_PERMUTATIONS = 10_000_000
#: Share of the available memory the simulated tables and the pair arrays may take.
MEMORY_SHARE = 0.5
#: Bytes per enumerated pair (two int32 event indices).
BYTES_PER_PAIR = 8
#: A run whose remaining time is estimated above this many seconds is announced (``on_estimate``).
LONG_RUN_SECONDS = 15.0


# --------------------------------------------------------------------------------------------
# bands


@dataclass(frozen=True)
class Bands:
    """Band edges along one dimension, with R ``cut`` semantics.

    ``closed="left"``: bands ``[e0, e1), [e1, e2), ...``; with ``include_lowest`` the last band
    also holds its upper edge. ``closed="right"``: bands ``(e0, e1], ...``; with
    ``include_lowest`` the first band also holds its lower edge. A last edge of ``inf`` makes
    the last band open. Edges that start ``0, 0`` make the first band the single value 0
    (``[0; 0]``, e.g. "same location" or "same day"); the next band then starts just above 0.
    ``labels`` overrides the interval labels (used for the NRC labels).
    """

    edges: tuple[float, ...]
    closed: Closed = "left"
    include_lowest: bool = False
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        e = self.edges
        if len(e) < 2:
            raise HicError("geef minstens twee bandgrenzen op (bijvoorbeeld 0,100,200)")
        if any(math.isnan(v) for v in e) or any(v < 0 for v in e):
            raise HicError(f"bandgrenzen moeten getallen >= 0 zijn: {_fmt_edges(e)}")
        rest = e[1:] if (len(e) > 2 and e[0] == 0 and e[1] == 0) else e
        if any(b <= a for a, b in zip(rest, rest[1:], strict=False)):
            raise HicError(
                f"bandgrenzen moeten strikt oplopen (alleen 0,0 aan het begin mag, voor precies "
                f"0): {_fmt_edges(e)}"
            )
        if any(math.isinf(v) for v in e[:-1]):
            raise HicError("alleen de laatste bandgrens mag oneindig zijn")
        if self.closed not in ("left", "right"):
            raise HicError(f"onbekende bandconventie {self.closed!r} (links of rechts)")
        if self.labels is not None and len(self.labels) != self.n:
            raise HicError("het aantal labels past niet bij het aantal banden")

    @property
    def n(self) -> int:
        """Number of bands."""
        return len(self.edges) - 1

    @property
    def open_last(self) -> bool:
        return math.isinf(self.edges[-1])

    @property
    def point_first(self) -> bool:
        """The first band is the single value 0 (edges ``0, 0, ...``)."""
        return len(self.edges) > 2 and self.edges[0] == 0 and self.edges[1] == 0

    def _rest(self) -> Bands:
        """The bands after the point band (only when ``point_first``)."""
        return Bands(self.edges[1:], closed=self.closed, include_lowest=self.include_lowest)

    @property
    def max_finite(self) -> float:
        """The largest finite edge (the enumeration radius in space)."""
        return self.edges[-2] if self.open_last else self.edges[-1]

    def interval_labels(self) -> tuple[str, ...]:
        """Interval notation of every band, Dutch decimals: ``[0; 0,1)``, ``[600; ∞)``."""
        if self.point_first:
            rest = list(self._rest().interval_labels())
            rest[0] = "(" + rest[0][1:]  # 0 itself lies in the point band
            return ("[0; 0]", *rest)
        out = []
        for k in range(self.n):
            a, b = self.edges[k], self.edges[k + 1]
            if self.closed == "left":
                lo = "["
                hi = "]" if (self.include_lowest and k == self.n - 1 and not math.isinf(b)) else ")"
            else:
                lo = "[" if (self.include_lowest and k == 0) else "("
                hi = ")" if math.isinf(b) else "]"
            out.append(f"{lo}{fmt_number(a)}; {fmt_number(b)}{hi}")
        return tuple(out)

    def display_labels(self) -> tuple[str, ...]:
        return self.labels if self.labels is not None else self.interval_labels()

    def index(self, values: np.ndarray) -> np.ndarray:
        """Band index of every value; ``-1`` where a value lies in no band (R's ``NA``)."""
        v = np.asarray(values, dtype=np.float64)
        if self.point_first:
            rest = self._rest().index(v)
            return np.where(v == 0, 0, np.where(rest >= 0, rest + 1, -1)).astype(np.int64)
        e = np.asarray(self.edges, dtype=np.float64)
        if self.closed == "left":
            idx = np.searchsorted(e, v, side="right") - 1
            if self.include_lowest:
                idx = np.where(v == e[-1], self.n - 1, idx)
        else:
            idx = np.searchsorted(e, v, side="left") - 1
            if self.include_lowest:
                idx = np.where(v == e[0], 0, idx)
        idx = np.where((idx >= 0) & (idx < self.n) & ~np.isnan(v), idx, -1)
        return idx.astype(np.int64)


def bands(
    edges: Sequence[float], *, closed: Closed = "left", include_lowest: bool = False
) -> Bands:
    """Bands from a list of edges (``[a, b)`` by default, the NearRepeat convention)."""
    return Bands(tuple(float(v) for v in edges), closed=closed, include_lowest=include_lowest)


def nrc_bands(
    space_bandwidth: float, space_count: int, time_bandwidth: float, time_count: int
) -> tuple[Bands, Bands]:
    """Spatial and temporal bands that reproduce the tables of the Near Repeat Calculator.

    The NRC (Ratcliffe 2009, version 1.3) takes a bandwidth and a number of bands per dimension,
    adds a "Same location" band and "More than" bands, and labels its bands ``"1 to 100"``,
    ``"101 to 200"``, ``"0 to 7"``, ``"8 to 14"`` ... Its counts are those of

    * space: ``[0; 0]`` (distance exactly 0), ``(0; w)``, ``[w; 2w)``, ..., ``[n*w; inf)``;
    * time (whole days): ``[0; d)``, ``[d; 2d)``, ..., ``[m*d; inf)``;

    so a band labelled ``"a to b"`` holds ``[a - 1; b)`` (Steenbeek 2019, vignette "NRC"; Davies'
    two-incident files) and "Same location" holds only identical points: the NRC's own output
    for Chicago arsons 2016 has a pair 0.56 m apart on one day under "1 to 200", not under
    "Same location". Distances are compared in single precision (``knox_test(...,
    single_precision=True)``). The labels returned are the NRC's own. See ``docs/nabijheid.md``
    for every rule and its source.
    """
    if not (space_count >= 1 and time_count >= 1):
        raise HicError("NRC-banden: de aantallen banden moeten minstens 1 zijn")
    if not (math.isfinite(space_bandwidth) and space_bandwidth >= 1):
        raise HicError("NRC-banden: de ruimtelijke bandbreedte moet minstens 1 meter zijn")
    if not (math.isfinite(time_bandwidth) and time_bandwidth >= 1):
        raise HicError("NRC-banden: de temporele bandbreedte moet minstens 1 dag zijn")
    if not float(time_bandwidth).is_integer():
        raise HicError(
            "NRC-banden: de temporele bandbreedte is een geheel aantal dagen (de Near Repeat "
            "Calculator rekent in hele dagen)"
        )
    w, d = float(space_bandwidth), float(time_bandwidth)
    s_edges = (0.0, 0.0, *(w * k for k in range(1, space_count + 1)), math.inf)
    s_labels = (
        "Same location",
        f"1 to {fmt_number(w)}",
        *(f"{fmt_number(w * k + 1)} to {fmt_number(w * (k + 1))}" for k in range(1, space_count)),
        f"More than {fmt_number(w * space_count)}",
    )
    t_edges = (0.0, *(d * k for k in range(1, time_count + 1)), math.inf)
    t_labels = (
        f"0 to {fmt_number(d)}",
        *(f"{fmt_number(d * k + 1)} to {fmt_number(d * (k + 1))}" for k in range(1, time_count)),
        f"More than {fmt_number(d * time_count)}",
    )
    return Bands(s_edges, labels=s_labels), Bands(t_edges, labels=t_labels)


def fmt_number(v: float) -> str:
    """A number the Dutch way: ``0,1``, ``200``, ``∞``."""
    if math.isinf(v):
        return "∞"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:g}".replace(".", ",")


def _fmt_edges(e: Sequence[float]) -> str:
    return ", ".join(fmt_number(v) for v in e)


# --------------------------------------------------------------------------------------------
# distances and permutations (shared contract with any reference implementation)


def distance(dx: np.ndarray, dy: np.ndarray, metric: Metric) -> np.ndarray:
    """Pairwise distance from coordinate differences: ``|dx| + |dy|`` or ``sqrt(dx² + dy²)``,
    in the precision of ``dx``/``dy`` (float32 differences: every operation in float32)."""
    if metric == "manhattan":
        return np.abs(dx) + np.abs(dy)
    if metric == "euclidean":
        return np.sqrt(dx * dx + dy * dy)
    raise HicError(f"onbekende afstandsmaat {metric!r} (manhattan of euclidisch)")


def replicate_keys(seed: int, nrep: int) -> np.ndarray:
    """The key of every replicate: the first ``nrep`` raw 64-bit outputs of
    ``numpy.random.PCG64(seed)`` (so replicate ``k`` does not depend on ``nrep``)."""
    return np.random.PCG64(seed).random_raw(nrep).astype(np.uint64)


def permutations(n: int, nrep: int, seed: int) -> Iterator[np.ndarray]:
    """The permutations of the Monte Carlo test; event ``i`` gets the date of event ``perm[i]``.

    Replicate ``k``: ``perm = arange(n)`` shuffled by Fisher-Yates (Durstenfeld), from ``i =
    n-1`` down to 1 swapping ``perm[i]`` with ``perm[j]``, ``j = floor(u * (i+1) / 2**64)``,
    where ``u`` are the successive outputs of SplitMix64 (state += 0x9E3779B97F4A7C15, output
    mixed with Stafford's variant 13) started at ``replicate_keys(seed, nrep)[k]``. Each
    replicate depends on its key alone, so replicates run in parallel and the result never
    depends on the number of threads. (The multiply-shift's bias is below (i+1)/2**64.)
    """
    from hicmonitor.analysis import nearrepeat_kernels as kern

    for key in replicate_keys(seed, nrep):
        perm = np.arange(n, dtype=np.int64)
        kern.shuffle_inplace(perm, key)
        yield perm


def random_seed() -> int:
    """A fresh seed (0 <= seed < 2**32) for a run without one; it is recorded and printed."""
    return secrets.randbelow(2**32)


# --------------------------------------------------------------------------------------------
# result


@dataclass
class KnoxResult:
    """The Knox tables. Arrays are (spatial bands × temporal bands)."""

    space: Bands
    time: Bands
    metric: Metric
    permutations: int
    seed: int
    n_events: int
    observed: np.ndarray
    sim_mean: np.ndarray
    sim_median: np.ndarray
    p_values: np.ndarray
    n_pairs_enumerated: int = 0
    simulations: np.ndarray | None = field(default=None, repr=False)
    #: the seed was drawn at random because none was given (it is still the one used)
    seed_drawn: bool = False
    #: distances computed in float32 (the Near Repeat Calculator's arithmetic)
    single_precision: bool = False
    #: ticks per day of the times (1: whole days; 86400: seconds)
    ticks_per_day: int = 1

    @property
    def knox_ratio(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.observed / self.sim_mean

    @property
    def knox_ratio_median(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.observed / self.sim_median

    def to_frame(self) -> pd.DataFrame:
        """One row per cell, in table order."""
        s_lab, t_lab = self.space.display_labels(), self.time.display_labels()
        s_int, t_int = self.space.interval_labels(), self.time.interval_labels()
        rows = []
        ratio, ratio_med = self.knox_ratio, self.knox_ratio_median
        for i in range(self.space.n):
            for j in range(self.time.n):
                rows.append(
                    {
                        "afstand": s_lab[i],
                        "afstand_interval": s_int[i],
                        "afstand_van": self.space.edges[i],
                        "afstand_tot": self.space.edges[i + 1],
                        "dagen": t_lab[j],
                        "dagen_interval": t_int[j],
                        "dagen_van": self.time.edges[j],
                        "dagen_tot": self.time.edges[j + 1],
                        "waargenomen": int(self.observed[i, j]),
                        "gesimuleerd_gemiddelde": float(self.sim_mean[i, j]),
                        "gesimuleerd_mediaan": float(self.sim_median[i, j]),
                        "knox_ratio": float(ratio[i, j]),
                        "knox_ratio_mediaan": float(ratio_med[i, j]),
                        "p": float(self.p_values[i, j]),
                    }
                )
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# the test


def _check_inputs(x: np.ndarray, y: np.ndarray, t: np.ndarray) -> None:
    n = len(x)
    if not (len(y) == n == len(t)):
        raise HicError("x, y en tijd hebben niet dezelfde lengte")
    if n < 2:
        raise HicError(
            f"de Knox-test heeft minstens twee incidenten nodig (er {'is' if n == 1 else 'zijn'} "
            f"er {n}): er zijn geen paren om te tellen"
        )
    if n >= 2**31:
        raise HicError(f"te veel incidenten voor één Knox-test ({n}); splits het bestand")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise HicError("ontbrekende of ongeldige coördinaten in de invoer")
    if np.all(x == x[0]) and np.all(y == y[0]):
        raise HicError(
            f"alle {n} incidenten liggen op precies hetzelfde punt: een ruimte-tijdpatroon is "
            "dan niet te onderscheiden (elke afstand is 0)"
        )
    if np.all(t == t[0]):
        raise HicError(
            f"alle {n} incidenten hebben hetzelfde tijdstip: het permuteren van de data "
            "verandert niets, de Knox-test zegt dan niets"
        )


def _time_segments(time: Bands, ticks_per_day: int) -> tuple[np.ndarray, np.ndarray]:
    """The integer gaps (ticks) where the temporal band changes, and the band of every segment.

    Segment 0 is ``[0, b0)``, segment ``m`` is ``[b(m-1), b(m))``, the last is ``[b(-1), inf)``;
    a band of -1 means: counted in no band. A gap ``g`` lies in ``time.index(g / ticks_per_day)``
    (the same float64 comparison as every other use of the bands); that can only change within
    a few ticks of an edge, so only those gaps are examined, and every band is a run of
    consecutive integer gaps: counting the gaps below each boundary is exact. (No table of all
    gaps: an edge of years in seconds costs nothing.)
    """
    candidates = {0}
    for e in time.edges:
        if math.isfinite(e):
            c = math.floor(e * ticks_per_day)
            candidates.update(range(max(0, c - 2), c + 4))
    gaps = np.array(sorted(candidates), dtype=np.int64)
    band = time.index(gaps / ticks_per_day)
    change = np.flatnonzero(band[1:] != band[:-1]) + 1
    return gaps[change], np.concatenate([band[:1], band[change]]).astype(np.int64)


def _gap_band_totals(t: np.ndarray, bounds: np.ndarray, labels: np.ndarray, n_bands: int):
    """Per temporal band, the number of all n(n-1)/2 pairs whose gap lies in it (O(n log n)).

    Exact: gaps are integers (ticks), and the segments are those the kernel counts with.
    """
    ts = np.sort(t)
    n = len(ts)
    idx = np.arange(n)

    def pairs_below(g: float) -> int:  # pairs with gap < g
        if g <= 0:
            return 0
        if math.isinf(g):
            return n * (n - 1) // 2
        return int((np.searchsorted(ts, ts + int(g), side="left") - idx - 1).sum())

    starts = [0, *bounds.tolist()]
    ends = [*bounds.tolist(), math.inf]
    out = np.zeros(n_bands, dtype=np.int64)
    for lo, hi, band in zip(starts, ends, labels.tolist(), strict=True):
        if band >= 0:
            out[band] += pairs_below(hi) - pairs_below(lo)
    return out


def available_memory() -> int:
    """Bytes of memory available now (Linux ``MemAvailable``; else the physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not on Linux
        return 8 * 2**30


def _gib(nbytes: float) -> str:
    return fmt_number(round(nbytes / 2**30, 1)) + " GB"


def check_permutations(nrep: int, space: Bands, time: Bands, memory: int | None = None) -> None:
    """Refuse a number of permutations that makes no sense or would not fit in memory."""
    if nrep < 1:
        raise HicError("--permutaties: het aantal permutaties moet minstens 1 zijn")
    if nrep > MAX_PERMUTATIONS:
        raise HicError(
            f"--permutaties: hoogstens {MAX_PERMUTATIONS:_} permutaties".replace("_", ".")
            + f" (gevraagd: {nrep:_}); ".replace("_", ".")
            + "de kleinste p-waarde is 1/(permutaties + 1), meer permutaties maken de toets "
            "niet beter. 999 is gebruikelijk, 9999 voor zeer kleine p-waarden."
        )
    need = nrep * space.n * time.n * 8 * 2  # the simulated tables, and a sorted copy (median)
    have = (memory if memory is not None else available_memory()) * MEMORY_SHARE
    if need > have:
        fit = int(have // (space.n * time.n * 16))
        raise HicError(
            f"--permutaties: {nrep:_} permutaties van {space.n} × {time.n} cellen vragen "
            f"ongeveer {_gib(need)} geheugen; er is {_gib(have)} beschikbaar. "
            f"Kies hoogstens {fit:_} permutaties.".replace("_", ".")
        )


@dataclass
class _Pairs:
    """The enumerated pairs in internal (cell) order, grouped by spatial row."""

    order: np.ndarray  # internal event q is input event order[q]
    pi: np.ndarray  # int32, internal index of the first event (pi < pj)
    pj: np.ndarray
    seg: np.ndarray  # pairs of spatial row s: seg[s]:seg[s+1]


def _enumerate(
    x: np.ndarray,
    y: np.ndarray,
    space: Bands,
    metric: Metric,
    single: bool,
    memory: int | None,
) -> tuple[_Pairs, int]:
    """Pairs within the largest finite spatial edge, classified; (pairs, number of rows).

    The events are sorted by the cell of a grid whose cells are at least that edge wide, so a
    pair within it lies in neighbouring cells; each pair's distance is computed with the one
    formula (float64, or float32 throughout with ``single``) and classified by the rules of
    ``Bands.index`` (``nearrepeat_kernels.band_of``). Rows ``0 .. n_finite-1`` are the finite
    bands, row ``n_finite`` collects pairs below every band (e.g. distance 0 with ``(a, b]``
    bands) when the last band is open, because its derivation subtracts them.
    """
    from hicmonitor.analysis import nearrepeat_kernels as kern

    radius = float(space.max_finite)
    if single:
        xc, yc = x.astype(np.float32), y.astype(np.float32)
        gx, gy = xc.astype(np.float64), yc.astype(np.float64)
    else:
        xc, yc = x, y
        gx, gy = x, y
    extent = max(float(gx.max() - gx.min()), float(gy.max() - gy.min()), 1.0)
    # cells a little wider than the radius (rounding), and never more than 2**30 per axis
    cell = max(radius * (1 + 1e-6) + 1e-9, extent / 2**30)
    cx = np.floor((gx - gx.min()) / cell).astype(np.int64)
    cy = np.floor((gy - gy.min()) / cell).astype(np.int64)
    ncx = int(cx.max()) + 1
    key = cy * ncx + cx
    order = np.argsort(key, kind="stable")
    keys = np.ascontiguousarray(key[order])
    xs, ys = np.ascontiguousarray(xc[order]), np.ascontiguousarray(yc[order])
    manhattan = metric == "manhattan"
    n_finite = space.n - 1 if space.open_last else space.n
    n_rows = n_finite + 1
    rule = (
        np.asarray(space.edges, dtype=np.float64),
        space.closed == "left",
        bool(space.include_lowest),
        space.point_first,
        n_finite,
        space.open_last,
    )
    counts = kern.count_pairs(keys, xs, ys, ncx, radius, manhattan, rule, n_rows)
    row_total = counts.sum(axis=0)
    total = int(row_total.sum())
    have = (memory if memory is not None else available_memory()) * MEMORY_SHARE
    if total * BYTES_PER_PAIR > have:
        raise HicError(
            f"binnen de grootste eindige afstandsgrens ({fmt_number(radius)} m) liggen "
            f"{total:_} paren incidenten; die passen niet in het geheugen (nodig ongeveer "
            f"{_gib(total * BYTES_PER_PAIR)}, beschikbaar {_gib(have)}). Kies een kleinere "
            "grootste afstand, of sluit de afstanden af met 'inf': de open laatste band wordt "
            "afgeleid en niet opgesomd.".replace("_", ".")
        )
    seg = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(row_total, out=seg[1:])
    # event i's pairs of row r start after all pairs of the rows before r and of the events
    # before i in row r: one slot per pair, whatever the number of threads
    offsets = np.cumsum(counts, axis=0) - counts + seg[:-1][None, :]
    pi = np.empty(total, dtype=np.int32)
    pj = np.empty(total, dtype=np.int32)
    kern.fill_pairs(keys, xs, ys, ncx, radius, manhattan, rule, offsets, pi, pj)
    return _Pairs(order=order.astype(np.int64), pi=pi, pj=pj, seg=seg), n_rows


def _lanes(n: int, itemsize: int) -> int:
    """Replicates per block: 64 side by side, fewer when the blocks would exceed 64 MB."""
    fit = (64 * 2**20) // max(1, n * itemsize)
    return int(max(8, min(64, fit // 8 * 8)))


def knox_test(
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    space: Bands,
    time: Bands,
    *,
    metric: Metric = "manhattan",
    nrep: int = 999,
    seed: int | None = None,
    ticks_per_day: int = 1,
    keep_simulations: bool = False,
    single_precision: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_estimate: Callable[[float], None] | None = None,
    memory: int | None = None,
) -> KnoxResult:
    """The Knox test with Monte Carlo inference (Knox 1964; Johnson et al. 2007).

    ``x``, ``y``: coordinates in metres (a projected CRS); ``t``: integer times in ticks, with
    ``ticks_per_day`` ticks per day (1 for dates, 86400 for date-times in seconds); the temporal
    band edges are in days. ``space`` / ``time``: the bands (``bands`` or ``nrc_bands``).
    ``nrep`` permutations of the dates over the fixed locations (see ``permutations``); without
    a ``seed`` one is drawn (``random_seed``) and recorded in the result (``seed_drawn``).
    ``single_precision``: coordinates and distances in float32, as the Near Repeat Calculator.
    ``progress(done, total)`` is called per block of replicates; ``on_estimate(seconds)`` once,
    after the first block, when the remaining time is estimated above ``LONG_RUN_SECONDS``.
    ``memory``: the bytes available (default: measured), for the refusal of runs that would not
    fit. Same tables as NearRepeat (Steenbeek 2019) for the same bands; p-value
    ``(#{sim >= observed} + 1) / (nrep + 1)``.
    """
    from hicmonitor.analysis import nearrepeat_kernels as kern

    with kern.LOCK:
        return _knox_test(
            x,
            y,
            t,
            space,
            time,
            metric,
            nrep,
            seed,
            ticks_per_day,
            keep_simulations,
            single_precision,
            progress,
            on_estimate,
            memory,
        )


def _knox_test(
    x, y, t, space, time, metric, nrep, seed, ticks_per_day, keep_simulations,
    single_precision, progress, on_estimate, memory,
) -> KnoxResult:  # fmt: skip
    from hicmonitor.analysis import nearrepeat_kernels as kern

    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    t = np.asarray(t)
    if t.dtype.kind not in "iu":
        if not np.all(np.isfinite(t)) or not np.all(np.asarray(t) == np.floor(t)):
            raise HicError("tijden moeten gehele getallen zijn (dagen of seconden)")
    t = np.ascontiguousarray(t, dtype=np.int64)
    _check_inputs(x, y, t)
    if metric not in ("manhattan", "euclidean"):
        raise HicError(f"onbekende afstandsmaat {metric!r} (manhattan of euclidisch)")
    check_permutations(nrep, space, time, memory)
    seed_drawn = seed is None
    if seed is None:
        seed = random_seed()
    if seed < 0:
        raise HicError(f"--zaad: een startwaarde is een geheel getal >= 0 (niet {seed})")
    n = len(x)

    # 1. the pairs within the largest finite spatial edge, grouped by spatial row
    pairs, n_rows = _enumerate(x, y, space, metric, single_precision, memory)
    n_finite = space.n - 1 if space.open_last else space.n
    row_total = np.diff(pairs.seg)

    # 2. times relative to the first (exact in float32 below 2**24 ticks), temporal segments
    rel = t - t.min()
    tdtype = np.float32 if int(rel.max()) < 2**24 else np.float64
    tval = rel.astype(tdtype)
    bounds, labels = _time_segments(time, ticks_per_day)
    # bounds beyond 2**24 ticks may round in float32, but then every gap (< 2**24) lies below
    # them either way
    tbounds = bounds.astype(tdtype)
    totals = _gap_band_totals(t, bounds, labels, time.n) if space.open_last else None

    def tables(cum: np.ndarray) -> np.ndarray:
        """(R × space.n × time.n) tables from cum[row, boundary, replicate]."""
        nr = cum.shape[2]
        full = np.concatenate(
            [
                np.zeros((n_rows, 1, nr), dtype=np.int64),
                cum,
                np.broadcast_to(row_total[:, None, None], (n_rows, 1, nr)),
            ],
            axis=1,
        )
        per_segment = np.diff(full, axis=1)  # (rows, segments, R)
        counts = np.zeros((nr, n_rows, time.n), dtype=np.int64)
        for m, band in enumerate(labels):
            if band >= 0:
                counts[:, :, band] += per_segment[:, m, :].T
        finite = counts[:, :n_finite, :]
        if not space.open_last:
            return finite
        open_row = totals[None, :] - counts.sum(axis=1)
        return np.concatenate([finite, open_row[:, None, :]], axis=1)

    observed_t = np.ascontiguousarray(tval[pairs.order][:, None])
    obs = tables(kern.count_below(pairs.pi, pairs.pj, pairs.seg, observed_t, tbounds))[0]

    # 3. the permutations, in blocks of replicates side by side
    keys = replicate_keys(seed, nrep)
    lanes = _lanes(n, np.dtype(tdtype).itemsize)
    block = np.zeros((n, lanes), dtype=tdtype)
    scratch = np.empty((lanes, n), dtype=tdtype)
    sims = np.empty((nrep, space.n, time.n), dtype=np.int64)
    blocks = -(-nrep // lanes)
    done = 0
    for b in range(blocks):
        started = _time.perf_counter()
        m = min(lanes, nrep - done)
        kern.permuted_block(tval, keys[done : done + m], pairs.order, block, scratch)
        cum = kern.count_below(pairs.pi, pairs.pj, pairs.seg, block, tbounds)
        sims[done : done + m] = tables(cum)[:m]
        done += m
        # the estimate rests on the second block when there are more (the first may include
        # loading or compiling the kernels)
        if on_estimate is not None and b == min(1, blocks - 2):
            left = (_time.perf_counter() - started) * (blocks - b - 1)
            if left > LONG_RUN_SECONDS:
                on_estimate(left)
        if progress is not None:
            progress(done, nrep)

    return KnoxResult(
        space=space,
        time=time,
        metric=metric,
        permutations=nrep,
        seed=int(seed),
        n_events=n,
        observed=obs,
        sim_mean=sims.mean(axis=0),
        sim_median=np.median(sims, axis=0),
        p_values=((sims >= obs[None]).sum(axis=0) + 1) / (nrep + 1),
        n_pairs_enumerated=len(pairs.pi),
        simulations=sims if keep_simulations else None,
        seed_drawn=seed_drawn,
        single_precision=single_precision,
        ticks_per_day=int(ticks_per_day),
    )


# --------------------------------------------------------------------------------------------
# from an incident frame


Moment = Literal["begin", "midden", "eind"]


def event_times(
    frame: pd.DataFrame,
    precision: str,
    moment: Moment = "midden",
    *,
    source: str = "invoer",
    whole_days: bool = False,
) -> tuple[np.ndarray, int]:
    """Integer event times and ticks per day from an incident frame (``t_from``/``t_to``).

    Date-only data without time windows gives whole days (``ticks_per_day = 1``); date-times
    or windows give seconds (86400). ``moment`` picks the start, middle or end of a window.
    ``whole_days``: the calendar day of that moment, in whole days (the Near Repeat Calculator
    reads dates only). Month resolution is refused: bands in days cannot be computed from it.
    """
    if precision == "maand":
        raise HicError(
            f"{source}: van elk incident is alleen de maand bekend (resolutie maand); "
            "tijdbanden in dagen (en herhaling binnen 7 of 28 dagen) zijn daarmee niet te "
            "berekenen. Gebruik een bestand met datums."
        )
    if moment not in ("begin", "midden", "eind"):
        raise HicError(f"onbekend tijdstip {moment!r} (begin, midden of eind)")
    start = frame["t_from"].to_numpy(dtype="datetime64[s]")
    end = frame["t_to"].to_numpy(dtype="datetime64[s]")
    windows = bool(np.any(end != start))
    if precision == "dag" and not windows:
        return start.astype("datetime64[D]").astype(np.int64), 1
    s, e = start.astype(np.int64), end.astype(np.int64)
    if moment == "begin":
        seconds = s
    elif moment == "eind":
        seconds = e
    else:
        seconds = s + (e - s) // 2
    if whole_days:
        return seconds // 86400, 1  # floor division: the calendar day, also before 1970
    return seconds, 86400


# --------------------------------------------------------------------------------------------


def warm_up() -> None:
    """Compile (or load from the cache) every numba kernel variant the Knox test uses."""
    list(permutations(5, 1, 0))  # the documented permutations as index arrays
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 500, 40)
    y = rng.uniform(0, 500, 40)
    days = rng.integers(0, 300, 40)
    seconds = days * 86400 + rng.integers(0, 86400, 40)  # > 2**24 s apart: float64 times
    for metric in ("manhattan", "euclidean"):
        for single in (False, True):
            for t, tpd in ((days, 1), (seconds, 86400)):
                knox_test(
                    x,
                    y,
                    t,
                    bands([0, 100, 200, float("inf")]),
                    bands([0, 7, float("inf")]),
                    metric=metric,
                    nrep=3,
                    seed=0,
                    ticks_per_day=tpd,
                    single_precision=single,
                )


if __name__ == "__main__":  # pragma: no cover - run by `make install`
    warm_up()
    print("nearrepeat: numba-kernels gecompileerd")
