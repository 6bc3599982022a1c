"""One-time preparation of deduce's lookup structures, run at install time.

deduce builds its lookup structures (name and place lists as tries) on first use, which
takes one to two minutes, and pickles them to ``<cache>/cache/lookup_structs.pickle``.
By default ``<cache>`` is deduce's own ``data/lookup`` folder inside site-packages; set
``HICMONITOR_DEDUCE_CACHE`` to use another folder (e.g. when site-packages is read-only).

The install step runs ``python -m hicmonitor.woo.prepare``; ``hic woo`` itself never
builds: without a prepared cache it stops with a clear message.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from hicmonitor.errors import HicError

CACHE_ENV = "HICMONITOR_DEDUCE_CACHE"


def _quiet_import() -> Any:
    """Import deduce without its ``logging.basicConfig(level=DEBUG)`` taking over stdout."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())
    import deduce  # noqa: PLC0415

    return deduce


def cache_path() -> Path:
    """The folder deduce reads its cache from (``<folder>/cache/lookup_structs.pickle``)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import importlib.util

    spec = importlib.util.find_spec("deduce")
    if spec is None or spec.origin is None:
        raise HicError("het pakket 'deduce' is niet geïnstalleerd")
    return Path(spec.origin).parent / "data" / "lookup"


def cache_file() -> Path:
    return cache_path() / "cache" / "lookup_structs.pickle"


def is_prepared() -> bool:
    return cache_file().is_file()


def load_deduce() -> Any:
    """A ``deduce.Deduce`` that loads from the prepared cache; never builds at run time."""
    if not is_prepared():
        raise HicError(
            "de opzoekstructuren van deduce zijn nog niet gebouwd "
            f"({cache_file()} ontbreekt); voer eenmalig 'python -m hicmonitor.woo.prepare' "
            "uit (onderdeel van 'make install')"
        )
    deduce = _quiet_import()
    # Unpickling creates millions of small objects; the cyclic GC running over and over
    # during that made loading 3-4x slower. Pause it, then move the loaded objects to the
    # permanent generation so later collections skip them.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        engine = deduce.Deduce(cache_path=cache_path())
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()
    return engine


def prepare(force: bool = False) -> Path:
    """Build deduce's lookup structures into the cache (idempotent unless ``force``)."""
    deduce = _quiet_import()
    target = cache_path()
    deduce.Deduce(cache_path=target, build_lookup_structs=force or not is_prepared())
    return cache_file()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    t0 = time.perf_counter()
    path = prepare(force="--forceer" in args)
    print(f"deduce-opzoekstructuren klaar: {path} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
