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

Threads: numba's "workqueue" layer (a plain pool whose idle workers sleep) is chosen unless
``NUMBA_THREADING_LAYER`` says otherwise: OpenMP's spinning workers cost more than they save on a
small machine shared with other work. That layer must not be entered from two Python threads at
once, so ``knox_test`` holds ``LOCK`` while it runs the kernels.
"""

from __future__ import annotations

import os
import threading

import numba
import numpy as np

if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"

#: Serialises the parallel kernels (see the module docstring).
LOCK = threading.RLock()

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
# pair enumeration on a grid of cells, classified into spatial rows


@numba.njit(cache=True, nogil=True, inline="always")
def _dist(x, y, i, j, manhattan):
    """|dx| + |dy| or sqrt(dx² + dy²) in the precision of the coordinates (float32 coordinates:
    every operation in single precision, the Near Repeat Calculator's arithmetic)."""
    dx = x[i] - x[j]
    dy = y[i] - y[j]
    if manhattan:
        return np.float64(abs(dx) + abs(dy))
    return np.float64(np.sqrt(dx * dx + dy * dy))


@numba.njit(cache=True, nogil=True, inline="always")
def band_of(v, edges, left, include_lowest, point):
    """The band of ``v`` by R ``cut`` rules, -1 for none (``Bands.index`` for one value).

    ``point``: edges start 0, 0 and the first band is the value 0 alone."""
    off = 0
    if point:
        if v == 0:
            return 0
        off = 1
    k = edges.shape[0] - 1 - off  # bands after the point band
    lo = edges[off]
    hi = edges[edges.shape[0] - 1]
    if left:
        if v < lo:
            return -1
        if include_lowest and v == hi:
            return off + k - 1
        i = 0
        while i < k and v >= edges[off + i + 1]:
            i += 1
    else:
        if include_lowest and v == lo:
            return off
        if v <= lo:
            return -1
        i = 0
        while i < k and v > edges[off + i + 1]:
            i += 1
    if i >= k:
        return -1
    return off + i


@numba.njit(cache=True, nogil=True, inline="always")
def _row_of(d, edges, left, include_lowest, point, n_finite, open_last):
    """The counting row of a pair: its finite band; ``n_finite`` for a pair below every band
    when the last band is open (the derivation subtracts it); -1: not counted."""
    b = band_of(d, edges, left, include_lowest, point)
    if b < 0:
        return n_finite if open_last else -1
    if b >= n_finite:
        return -1  # the open band is derived, never counted
    return b


@numba.njit(cache=True, nogil=True)
def _scan(keys, x, y, i, ncx, radius, manhattan, rule, fill, counts, pj, at):
    """Pairs (i, j > i) within ``radius`` in the 3 x 3 cells around i's cell, by counting row.

    ``fill=False``: add to ``counts[row]``; ``fill=True``: write j to ``pj[at[row]]`` and
    advance ``at[row]``."""
    edges, left, incl, point, n_finite, open_last = rule
    k = keys[i]
    cy = k // ncx
    cx = k - cy * ncx
    for dy in (-1, 0, 1):
        line = cy + dy
        if line < 0:
            continue
        lo_key = line * ncx + max(cx - 1, 0)
        hi_key = line * ncx + min(cx + 1, ncx - 1)
        start = np.searchsorted(keys, lo_key)
        if start <= i:
            start = i + 1
        for j in range(start, keys.shape[0]):
            if keys[j] > hi_key:
                break
            d = _dist(x, y, i, j, manhattan)
            if d > radius:
                continue
            row = _row_of(d, edges, left, incl, point, n_finite, open_last)
            if row < 0:
                continue
            if fill:
                pj[at[row]] = j
                at[row] += 1
            else:
                counts[row] += 1


@numba.njit(parallel=True, cache=True, nogil=True)
def count_pairs(keys, x, y, ncx, radius, manhattan, rule, n_rows):
    """counts[i, row]: pairs (i, j > i) of event i per counting row (events sorted by cell)."""
    n = keys.shape[0]
    counts = np.zeros((n, n_rows), dtype=np.int64)
    no_pairs = np.zeros(0, dtype=np.int32)
    no_at = np.zeros(0, dtype=np.int64)
    for i in numba.prange(n):
        _scan(keys, x, y, i, ncx, radius, manhattan, rule, False, counts[i], no_pairs, no_at)
    return counts


@numba.njit(parallel=True, cache=True, nogil=True)
def fill_pairs(keys, x, y, ncx, radius, manhattan, rule, offsets, pi, pj):
    """Write the pairs counted by ``count_pairs``: event i's pairs of a row start at
    ``offsets[i, row]`` (rows after each other, events in order within a row)."""
    n = keys.shape[0]
    for i in numba.prange(n):
        at = offsets[i].copy()
        _scan(keys, x, y, i, ncx, radius, manhattan, rule, True, at, pj, at)
        for row in range(at.shape[0]):
            for k in range(offsets[i, row], at[row]):
                pi[k] = i


# --------------------------------------------------------------------------------------------
# counting: pairs per spatial row whose gap lies below each temporal boundary

#: Fixed number of work chunks (not the number of threads: the result never depends on it).
CHUNKS = 64


#: Pairs counted in the packed 10-bit fields before they are added to the totals.
FLUSH = 1023


@numba.njit(parallel=True, cache=True, nogil=True)
def count_below(pi, pj, seg, tp, bounds):
    """cum[s, m, r]: pairs of spatial row s (pairs ``seg[s]:seg[s+1]``) whose gap
    ``|tp[pi, r] - tp[pj, r]|`` is below ``bounds[m]``, for every replicate column r.

    Three boundaries share one int32 lane: the comparisons add 1, 2**10 and 2**20, and every
    ``FLUSH`` pairs the three 10-bit fields are added to the totals (so each lane costs one
    load and store per pair instead of one per boundary)."""
    nrow = seg.shape[0] - 1
    nb = bounds.shape[0]
    nr = tp.shape[1]
    npairs = seg[nrow]
    groups = max(1, (nb + 2) // 3)
    padded = np.full(groups * 3, -1.0, dtype=tp.dtype)  # a gap is never below -1
    padded[:nb] = bounds
    chunks = CHUNKS
    part = np.zeros((chunks, nrow, groups * 3, nr), dtype=np.int64)
    for c in numba.prange(chunks):
        lo = npairs * c // chunks
        hi = npairs * (c + 1) // chunks
        packed = np.zeros((groups, nr), dtype=np.int32)
        for s in range(nrow):
            a0 = max(lo, seg[s])
            a1 = min(hi, seg[s + 1])
            acc = part[c, s]
            k = a0
            while k < a1:
                stop = min(a1, k + FLUSH)
                for kk in range(k, stop):
                    ra = tp[pi[kk]]
                    rb = tp[pj[kk]]
                    for grp in range(groups):
                        b0 = padded[3 * grp]
                        b1 = padded[3 * grp + 1]
                        b2 = padded[3 * grp + 2]
                        pk = packed[grp]
                        for r in range(nr):
                            gap = abs(ra[r] - rb[r])
                            v = np.int32(0)
                            if gap < b0:
                                v = np.int32(1)
                            w = np.int32(0)
                            if gap < b1:
                                w = np.int32(1024)
                            z = np.int32(0)
                            if gap < b2:
                                z = np.int32(1048576)
                            pk[r] += v | w | z
                for grp in range(groups):
                    for r in range(nr):
                        word = packed[grp, r]
                        acc[3 * grp, r] += word & 1023
                        acc[3 * grp + 1, r] += (word >> 10) & 1023
                        acc[3 * grp + 2, r] += (word >> 20) & 1023
                        packed[grp, r] = 0
                k = stop
    out = np.zeros((nrow, nb, nr), dtype=np.int64)
    for c in range(chunks):
        for s in range(nrow):
            for m in range(nb):
                for r in range(nr):
                    out[s, m, r] += part[c, s, m, r]
    return out
