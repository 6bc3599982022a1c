"""Compiled kernels of the Knox test (numba): pair enumeration, permutations, band counting.

Kept apart from ``nearrepeat`` so that importing the bands and results (e.g. for ``repeat``)
does not load numba. Every kernel is compiled with ``cache=True``: the machine code is stored
next to this file (``__pycache__``) or, where that folder is not writable, in numba's user cache
(``NUMBA_CACHE_DIR`` overrides both). ``python -m hicmonitor.analysis.nearrepeat_kernels``
compiles every variant once (the Makefile's install step runs it), so no user run pays for
compilation.

Determinism: the results never depend on the number of threads. Pair enumeration writes every
event's pairs to a slot fixed by a prefix sum; replicate ``k`` is shuffled from its own key
alone; the band counts are integer sums, exact in any order.
"""

from __future__ import annotations

import numba
import numpy as np

# --------------------------------------------------------------------------------------------
# random permutations: SplitMix64 streams keyed per replicate, Fisher-Yates (Durstenfeld)

#: SplitMix64 (Steele, Lea & Flood 2014): the state advances by the golden gamma, the output
#: is the state through a fixed mixer (Stafford's variant 13).
GAMMA = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)


@numba.njit(cache=True, nogil=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * MIX1
    z = (z ^ (z >> _S27)) * MIX2
    return z ^ (z >> _S31)


@numba.njit(cache=True, nogil=True, inline="always")
def _below(u, m):
    """floor(u * m / 2**64) for a 64-bit u and m < 2**32 (Lemire's multiply-shift)."""
    hi = (u >> _S32) * m
    lo = (u & _LOW32) * m
    return (hi + (lo >> _S32)) >> _S32


@numba.njit(cache=True, nogil=True)
def shuffle_inplace(values, key):
    """Fisher-Yates shuffle of ``values`` driven by the SplitMix64 stream that starts at ``key``:
    for i = n-1 down to 1, draw u (advance the state by GAMMA, mix), j = floor(u (i+1) / 2^64),
    swap values[i] and values[j]."""
    state = np.uint64(key)
    for i in range(values.shape[0] - 1, 0, -1):
        state = state + GAMMA
        j = np.int64(_below(_mix(state), np.uint64(i + 1)))
        tmp = values[i]
        values[i] = values[j]
        values[j] = tmp


@numba.njit(parallel=True, cache=True, nogil=True)
def permuted_block(t, keys, order, out, scratch):
    """Permuted times of ``len(keys)`` replicates, transposed for the counting kernel.

    ``t``: times in input order; ``order[q]``: the input index of internal event ``q``;
    ``out[q, r]`` receives the permuted time of internal event ``q`` in replicate ``r``
    (columns beyond ``len(keys)`` are left as they are); ``scratch``: (R, n) work space.
    """
    m = keys.shape[0]
    n = t.shape[0]
    for r in numba.prange(m):
        work = t.copy()
        shuffle_inplace(work, keys[r])
        row = scratch[r]
        for q in range(n):
            row[q] = work[order[q]]
    nchunks = 64
    for c in numba.prange(nchunks):
        lo = n * c // nchunks
        hi = n * (c + 1) // nchunks
        for q in range(lo, hi):
            dst = out[q]
            for r in range(m):
                dst[r] = scratch[r, q]


# --------------------------------------------------------------------------------------------
# pair enumeration on a grid of cells


@numba.njit(cache=True, nogil=True, inline="always")
def _dist(x, y, i, j, manhattan):
    """|dx| + |dy| or sqrt(dx² + dy²) in the precision of the coordinates (float32 coordinates:
    every operation in single precision, the Near Repeat Calculator's arithmetic)."""
    dx = x[i] - x[j]
    dy = y[i] - y[j]
    if manhattan:
        return np.float64(abs(dx) + abs(dy))
    return np.float64(np.sqrt(dx * dx + dy * dy))


@numba.njit(cache=True, nogil=True)
def _scan(keys, x, y, i, ncx, radius, manhattan, fill, pj, dist, at):
    """Pairs (i, j > i) with distance <= radius in the 3 x 3 cells around i's cell."""
    k = keys[i]
    cy = k // ncx
    cx = k - cy * ncx
    found = 0
    for dy in (-1, 0, 1):
        row = cy + dy
        if row < 0:
            continue
        lo_key = row * ncx + max(cx - 1, 0)
        hi_key = row * ncx + min(cx + 1, ncx - 1)
        start = np.searchsorted(keys, lo_key)
        if start <= i:
            start = i + 1
        for j in range(start, keys.shape[0]):
            if keys[j] > hi_key:
                break
            d = _dist(x, y, i, j, manhattan)
            if d <= radius:
                if fill:
                    pj[at + found] = j
                    dist[at + found] = d
                found += 1
    return found


@numba.njit(parallel=True, cache=True, nogil=True)
def count_pairs(keys, x, y, ncx, radius, manhattan):
    """Number of pairs (i, j > i) within ``radius`` per event ``i`` (events sorted by cell key)."""
    n = keys.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    dummy_i = np.zeros(0, dtype=np.int32)
    dummy_d = np.zeros(0, dtype=np.float64)
    for i in numba.prange(n):
        counts[i] = _scan(keys, x, y, i, ncx, radius, manhattan, False, dummy_i, dummy_d, 0)
    return counts


@numba.njit(parallel=True, cache=True, nogil=True)
def fill_pairs(keys, x, y, ncx, radius, manhattan, offsets, pi, pj, dist):
    """Write the pairs counted by ``count_pairs`` to ``offsets[i]:offsets[i+1]``."""
    n = keys.shape[0]
    for i in numba.prange(n):
        at = offsets[i]
        found = _scan(keys, x, y, i, ncx, radius, manhattan, True, pj, dist, at)
        for k in range(at, at + found):
            pi[k] = i


# --------------------------------------------------------------------------------------------
# counting: pairs per spatial row whose gap lies below each temporal boundary

#: Fixed number of work chunks (not the number of threads: the result never depends on it).
CHUNKS = 64


@numba.njit(parallel=True, cache=True, nogil=True)
def count_below(pi, pj, seg, tp, bounds):
    """cum[s, m, r]: pairs of spatial row s (pairs ``seg[s]:seg[s+1]``) whose gap
    ``|tp[pi, r] - tp[pj, r]|`` is below ``bounds[m]``, for every replicate column r."""
    nrow = seg.shape[0] - 1
    nb = bounds.shape[0]
    nr = tp.shape[1]
    npairs = seg[nrow]
    chunks = CHUNKS
    while npairs // chunks >= 2**31 - 1:
        chunks *= 2
    part = np.zeros((chunks, nrow, nb, nr), dtype=np.int32)
    for c in numba.prange(chunks):
        lo = npairs * c // chunks
        hi = npairs * (c + 1) // chunks
        gap = np.empty(nr, dtype=tp.dtype)
        for s in range(nrow):
            a0 = max(lo, seg[s])
            a1 = min(hi, seg[s + 1])
            acc = part[c, s]
            for k in range(a0, a1):
                ra = tp[pi[k]]
                rb = tp[pj[k]]
                for r in range(nr):
                    gap[r] = abs(ra[r] - rb[r])
                for m in range(nb):
                    b = bounds[m]
                    am = acc[m]
                    for r in range(nr):
                        am[r] += np.int32(gap[r] < b)
    out = np.zeros((nrow, nb, nr), dtype=np.int64)
    for c in range(chunks):
        for s in range(nrow):
            for m in range(nb):
                for r in range(nr):
                    out[s, m, r] += part[c, s, m, r]
    return out


@numba.njit(parallel=True, cache=True, nogil=True)
def gather_floor(pi, pj, tp):
    """The benchmark's floor: only gather the permuted times of every pair for every column
    (their differences are summed so that nothing is optimised away)."""
    nr = tp.shape[1]
    npairs = pi.shape[0]
    chunks = CHUNKS
    part = np.zeros((chunks, nr), dtype=tp.dtype)
    for c in numba.prange(chunks):
        lo = npairs * c // chunks
        hi = npairs * (c + 1) // chunks
        acc = part[c]
        for k in range(lo, hi):
            ra = tp[pi[k]]
            rb = tp[pj[k]]
            for r in range(nr):
                acc[r] += ra[r] - rb[r]
    return part.sum(axis=0)


# --------------------------------------------------------------------------------------------


def warm_up() -> None:
    """Compile (or load from the cache) every variant the Knox test uses."""
    from hicmonitor.analysis.nearrepeat import bands, knox_test

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 500, 40)
    y = rng.uniform(0, 500, 40)
    days = rng.integers(0, 30, 40)
    for metric in ("manhattan", "euclidean"):
        for single in (False, True):
            for t, tpd in ((days, 1), (days * 86400 + rng.integers(0, 86400, 40) * 400, 86400)):
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
    tp = np.zeros((4, 2), dtype=np.float32)
    idx = np.zeros(1, dtype=np.int32)
    gather_floor(idx, idx, tp)
    gather_floor(idx, idx, tp.astype(np.float64))


if __name__ == "__main__":  # pragma: no cover - run by `make install`
    warm_up()
    print("nearrepeat: numba-kernels gecompileerd")
