"""Progress bars for long work in the terminal (Rich), shown only when the work takes a while.

The work itself only calls a plain callback (``done, total``), so the loader
knows nothing of Rich.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

AFTER_ENV = "HICMONITOR_PROGRESS_AFTER"  # seconds of work before the bar appears (default 2)
DEFAULT_AFTER = 2.0


@contextmanager
def bytes_bar(console: Console, description: str) -> Iterator[Callable[[int, int], None]]:
    """A callback (bytes done, bytes in total) that shows a bar with bytes and elapsed time
    once the work has taken more than a few seconds; the bar is removed when the work ends.

    The callback may be called from any thread.
    """
    after = float(os.environ.get(AFTER_ENV, DEFAULT_AFTER))
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(description, total=None, visible=False)  # elapsed time counts from here
    started = time.monotonic()
    lock = threading.Lock()

    def update(done: int, total: int) -> None:
        with lock:
            if bar.live.is_started:
                bar.update(task, completed=done, total=total)
            elif time.monotonic() - started >= after:
                bar.update(task, completed=done, total=total, visible=True)
                bar.start()

    try:
        yield update
    finally:
        with lock:
            if bar.live.is_started:
                bar.stop()
