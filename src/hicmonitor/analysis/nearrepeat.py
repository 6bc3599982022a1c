"""Near-repeat analysis: the Knox test for space-time clustering with Monte Carlo inference.

Every pair of incidents is classified by its spatial distance into a spatial band and by its
time gap into a temporal band; the observed contingency table is compared with tables obtained
by randomly permuting the dates over the fixed locations (Knox 1964; Johnson et al. 2007).
Per cell this gives the observed count, the mean and median of the simulated counts, the Knox
ratio (observed / mean) and the Monte Carlo p-value ``(#{sim >= observed} + 1) / (nrep + 1)``,
exactly as in Ratcliffe's Near Repeat Calculator and Steenbeek's R package NearRepeat.

Band conventions follow R's ``cut``: by default every band is ``[a, b)`` (closed on the left,
``closed="left"``, ``include_lowest=False``), which is the default of NearRepeat; a last edge
of ``inf`` gives an open last band. ``nrc_bands`` builds the bands of the Near Repeat Calculator
together with its (off-by-one) labels. See ``docs/nabijheid.md``.

Speed by design (the reference implementations enumerate all n(n-1)/2 pairs per permutation):

* only pairs closer than the largest finite spatial edge are enumerated (``scipy.spatial.cKDTree``);
* the counts of an open last spatial band are derived: permuting dates keeps the multiset of all
  pairwise time gaps, so per temporal band the total over all pairs is a constant, computed once
  from the sorted times in O(n log n); the open band is that total minus the enumerated bands;
* the permutations run in a compiled kernel (numba), parallel over replicates; replicate ``k``
  uses the ``k``-th call of ``numpy.random.default_rng(seed).permutation(n)``, so results are
  deterministic for a seed and independent of the number of threads.

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numba
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from hicmonitor.errors import HicError

Metric = Literal["manhattan", "euclidean"]
Closed = Literal["left", "right"]

_BLOCK = 32  # replicates whose permuted times are materialised at once


# --------------------------------------------------------------------------------------------
# bands


@dataclass(frozen=True)
class Bands:
    """Band edges along one dimension, with R ``cut`` semantics.

    ``closed="left"``: bands ``[e0, e1), [e1, e2), ...``; with ``include_lowest`` the last band
    also holds its upper edge. ``closed="right"``: bands ``(e0, e1], ...``; with
    ``include_lowest`` the first band also holds its lower edge. A last edge of ``inf`` makes
    the last band open. ``labels`` overrides the interval labels (used for the NRC labels).
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
        if any(b <= a for a, b in zip(e, e[1:], strict=False)):
            raise HicError(f"bandgrenzen moeten strikt oplopen: {_fmt_edges(e)}")
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
    def max_finite(self) -> float:
        """The largest finite edge (the enumeration radius in space)."""
        return self.edges[-2] if self.open_last else self.edges[-1]

    def interval_labels(self) -> tuple[str, ...]:
        """Interval notation of every band, Dutch decimals: ``[0; 0,1)``, ``[600; ∞)``."""
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

    The NRC takes a bandwidth and a number of bands per dimension, adds a "Same location" band
    and "More than" bands, and labels its bands ``"1 to 100"``, ``"101 to 200"``, ``"0 to 7"``,
    ``"8 to 14"`` ... Its counts are in fact those of ``[0, 1), [1, w), [w, 2w), ...,
    [n*w, inf)`` in space and ``[0, d), [d, 2d), ..., [m*d, inf)`` in time: a band labelled
    ``"a to b"`` holds ``[a - 1, b)`` (Steenbeek 2019, vignette "NRC"; checked against the
    NRC 1.3 output on ``chicago_be_month1.csv``). The labels returned are the NRC's own.
    """
    if space_bandwidth < 1 or time_bandwidth < 1 or space_count < 1 or time_count < 1:
        raise HicError("NRC-banden: bandbreedtes >= 1 en aantallen banden >= 1")
    w, d = float(space_bandwidth), float(time_bandwidth)
    s_edges = (0.0, 1.0, *(w * k for k in range(1, space_count + 1)), math.inf)
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
    if w <= 1:
        raise HicError("NRC-banden: de ruimtelijke bandbreedte moet groter zijn dan 1")
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
    """Pairwise distance from coordinate differences: ``|dx| + |dy|`` or ``sqrt(dx² + dy²)``."""
    if metric == "manhattan":
        return np.abs(dx) + np.abs(dy)
    if metric == "euclidean":
        return np.sqrt(dx * dx + dy * dy)
    raise HicError(f"onbekende afstandsmaat {metric!r} (manhattan of euclidisch)")


def permutations(n: int, nrep: int, seed: int | None) -> Iterator[np.ndarray]:
    """The permutations of the Monte Carlo test: replicate ``k`` is the ``k``-th
    ``numpy.random.default_rng(seed).permutation(n)``; event ``i`` gets the date of event
    ``perm[i]``."""
    rng = np.random.default_rng(seed)
    for _ in range(nrep):
        yield rng.permutation(n)


# --------------------------------------------------------------------------------------------
# result


@dataclass
class KnoxResult:
    """The Knox tables. Arrays are (spatial bands × temporal bands)."""

    space: Bands
    time: Bands
    metric: Metric
    permutations: int
    seed: int | None
    n_events: int
    observed: np.ndarray
    sim_mean: np.ndarray
    sim_median: np.ndarray
    p_values: np.ndarray
    n_pairs_enumerated: int = 0
    simulations: np.ndarray | None = field(default=None, repr=False)

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
# the compiled kernel


#: Below this many pair-replicates per block the serial kernel runs: waking a thread pool costs
#: more than it saves, and idle OpenMP workers spinning after a parallel region slow down the
#: Python thread on small machines.
PARALLEL_MIN_WORK = 2_000_000


def _count_block_py(pi, pj, ps, tblock, lut, above, n_space_rows, n_time):  # pragma: no cover
    """Counts per replicate of the enumerated pairs: out[r, s, t].

    ``ps``: spatial row of each pair (>= 0; pairs that are not counted are filtered out before).
    Time band of a gap ``g``: ``lut[g]`` if ``g < len(lut)`` else ``above`` (-1: not counted).
    """
    nrep = tblock.shape[0]
    npairs = pi.shape[0]
    nlut = lut.shape[0]
    out = np.zeros((nrep, n_space_rows, n_time), dtype=np.int64)
    for r in numba.prange(nrep):
        t = tblock[r]
        for k in range(npairs):
            g = t[pi[k]] - t[pj[k]]
            if g < 0:
                g = -g
            if g < nlut:
                b = lut[g]
            else:
                b = above
            if b >= 0:
                out[r, ps[k], b] += 1
    return out


_count_block_serial = numba.njit(cache=True)(_count_block_py)
_count_block_parallel = numba.njit(parallel=True, cache=True)(_count_block_py)


def _count_block(pi, pj, ps, tblock, lut, above, n_space_rows, n_time):
    """Dispatch to the parallel or the serial kernel (identical results)."""
    kernel = (
        _count_block_parallel
        if len(pi) * tblock.shape[0] >= PARALLEL_MIN_WORK
        else _count_block_serial
    )
    return kernel(pi, pj, ps, tblock, lut, above, n_space_rows, n_time)


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


def _time_lut(time: Bands, ticks_per_day: int) -> tuple[np.ndarray, int]:
    """Band index of every integer gap below the largest finite edge, and the code above it."""
    e_ticks = time.max_finite * ticks_per_day
    size = int(math.floor(e_ticks)) + 2
    gaps = np.arange(size, dtype=np.float64) / ticks_per_day
    lut = time.index(gaps).astype(np.int8 if time.n < 127 else np.int16)
    above = time.n - 1 if time.open_last else -1
    return lut, above


def _gap_band_totals(t: np.ndarray, lut: np.ndarray, above: int, n_bands: int) -> np.ndarray:
    """Per temporal band, the number of all n(n-1)/2 pairs whose gap lies in it (O(n log n)).

    Exact: gaps are integers (ticks) and every band is a run of consecutive integer gaps, read
    from the same lookup table the kernel uses.
    """
    ts = np.sort(t)
    n = len(ts)
    idx = np.arange(n)

    def pairs_le(g: float) -> int:  # pairs with gap <= g
        if g < 0:
            return 0
        if math.isinf(g):
            return n * (n - 1) // 2
        return int((np.searchsorted(ts, ts + int(g), side="right") - idx - 1).sum())

    out = np.zeros(n_bands, dtype=np.int64)
    for k in range(n_bands):
        where = np.flatnonzero(lut == k)
        if k == above:
            lo = where[0] if len(where) else len(lut)
            hi = math.inf
        elif len(where) == 0:
            continue
        else:
            lo, hi = where[0], where[-1]
        out[k] = pairs_le(hi) - pairs_le(lo - 1)
    return out


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
    progress=None,
) -> KnoxResult:
    """The Knox test with Monte Carlo inference (Knox 1964; Johnson et al. 2007).

    ``x``, ``y``: coordinates in metres (a projected CRS); ``t``: integer times in ticks, with
    ``ticks_per_day`` ticks per day (1 for dates, 86400 for date-times in seconds); the temporal
    band edges are in days. ``space`` / ``time``: the bands (``bands`` or ``nrc_bands``).
    ``nrep`` permutations of the dates over the fixed locations, replicate ``k`` being the
    ``k``-th ``default_rng(seed).permutation(n)``. ``progress(done, total)`` is called per block.
    Same tables as NearRepeat (Steenbeek 2019) for the same bands; p-value
    ``(#{sim >= observed} + 1) / (nrep + 1)``.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    t = np.asarray(t)
    if t.dtype.kind not in "iu":
        if not np.all(np.isfinite(t)) or not np.all(np.asarray(t) == np.floor(t)):
            raise HicError("tijden moeten gehele getallen zijn (dagen of seconden)")
    t = np.ascontiguousarray(t, dtype=np.int64)
    _check_inputs(x, y, t)
    if nrep < 1:
        raise HicError("het aantal permutaties moet minstens 1 zijn")
    if metric not in ("manhattan", "euclidean"):
        raise HicError(f"onbekende afstandsmaat {metric!r} (manhattan of euclidisch)")
    n = len(x)

    # 1. enumerate the pairs within the largest finite spatial edge
    radius = space.max_finite
    tree = cKDTree(np.column_stack([x, y]))
    pairs = tree.query_pairs(
        r=np.nextafter(radius, np.inf) * (1 + 1e-9) + 1e-9,
        p=1 if metric == "manhattan" else 2,
        output_type="ndarray",
    )
    pi = np.ascontiguousarray(pairs[:, 0], dtype=np.int64)
    pj = np.ascontiguousarray(pairs[:, 1], dtype=np.int64)
    order = np.lexsort((pj, pi))
    pi, pj = pi[order], pj[order]
    d = distance(x[pi] - x[pj], y[pi] - y[pj], metric)
    raw = space.index(d)
    # pairs in the open band (when there is one) are derived, never counted; pairs outside
    # every band on the low side (e.g. d = 0 with (a, b] bands) are counted in an extra row,
    # because the derivation subtracts them too
    n_finite = space.n - 1 if space.open_last else space.n
    below = (raw < 0) & (d <= space.edges[0])
    if space.open_last:
        counted = ((raw >= 0) & (raw < n_finite)) | below
    else:
        counted = raw >= 0
    ps = np.ascontiguousarray(np.where(below, n_finite, raw)[counted], dtype=np.int64)
    pi, pj = pi[counted], pj[counted]
    n_rows = n_finite + 1  # the extra row collects the 'below' pairs

    # 2. temporal lookup and, for the open spatial band, the invariant totals per time band
    lut, above = _time_lut(time, ticks_per_day)
    totals = _gap_band_totals(t, lut, above, time.n) if space.open_last else None

    def tables(counts: np.ndarray) -> np.ndarray:
        """Full (reps × space.n × time.n) tables from the enumerated counts."""
        finite = counts[:, :n_finite, :]
        if not space.open_last:
            return finite
        open_row = totals[None, :] - counts.sum(axis=1)
        return np.concatenate([finite, open_row[:, None, :]], axis=1)

    obs = tables(_count_block(pi, pj, ps, t[None, :], lut, above, n_rows, time.n))[0]

    # 3. the permutations, in blocks
    sims = np.empty((nrep, space.n, time.n), dtype=np.int64)
    gen = permutations(n, nrep, seed)
    done = 0
    while done < nrep:
        m = min(_BLOCK, nrep - done)
        block = np.empty((m, n), dtype=np.int64)
        for r in range(m):
            block[r] = t[next(gen)]
        sims[done : done + m] = tables(_count_block(pi, pj, ps, block, lut, above, n_rows, time.n))
        done += m
        if progress is not None:
            progress(done, nrep)

    return KnoxResult(
        space=space,
        time=time,
        metric=metric,
        permutations=nrep,
        seed=seed,
        n_events=n,
        observed=obs,
        sim_mean=sims.mean(axis=0),
        sim_median=np.median(sims, axis=0),
        p_values=((sims >= obs[None]).sum(axis=0) + 1) / (nrep + 1),
        n_pairs_enumerated=len(pi),
        simulations=sims if keep_simulations else None,
    )


# --------------------------------------------------------------------------------------------
# from an incident frame


Moment = Literal["begin", "midden", "eind"]


def event_times(
    frame: pd.DataFrame, precision: str, moment: Moment = "midden", *, source: str = "invoer"
) -> tuple[np.ndarray, int]:
    """Integer event times and ticks per day from an incident frame (``t_from``/``t_to``).

    Date-only data without time windows gives whole days (``ticks_per_day = 1``); date-times
    or windows give seconds (86400). ``moment`` picks the start, middle or end of a window.
    Month resolution is refused: bands in days cannot be computed from it.
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
        return s, 86400
    if moment == "eind":
        return e, 86400
    return s + (e - s) // 2, 86400
