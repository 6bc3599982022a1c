"""A reader process for the snapshot tests: queries the store in a loop until told to stop.

``python -m tests.foundation.reader_worker STORE STOPFILE OUT.json [PAUSE]``

Each round opens a reader through :func:`hicmonitor.services.database.open_reader` (as the
web does per request), asks one checksum over ``counts`` and ``sources`` and closes it. The
rounds are written to ``OUT.json``: the distinct answers in the order they were first seen,
the number of queries, every error, and the times.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

CHECKSUM = (
    "SELECT (SELECT count(*) FROM counts), (SELECT sum(count) FROM counts), "
    "(SELECT count(*) FROM sources)"
)


def main() -> None:
    store, stop, out = (Path(a) for a in sys.argv[1:4])
    pause = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    from hicmonitor.services.database import open_reader, snapshot_id

    seen: list[list[int]] = []
    sequence: list[int] = []  # index into seen per query, run-length encoded below
    errors: list[str] = []
    queries = 0
    started = time.monotonic()
    snapshots: set[str] = set()
    while True:
        stopping = stop.exists()
        try:
            snapshots.add(snapshot_id(store))
            con = open_reader(store)
            try:
                answer = [int(v) for v in con.execute(CHECKSUM).fetchone()]
            finally:
                con.close()
            queries += 1
            if queries == 1:
                out.with_suffix(".ready").touch()
            if answer not in seen:
                seen.append(answer)
            index = seen.index(answer)
            if not sequence or sequence[-1] != index:
                sequence.append(index)
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the test
            errors.append(f"{type(exc).__name__}: {exc}")
        if stopping:
            break
        if pause:
            time.sleep(pause)
    out.write_text(
        json.dumps(
            {
                "answers": seen,
                "sequence": sequence,
                "queries": queries,
                "errors": errors[:20],
                "error_count": len(errors),
                "seconds": time.monotonic() - started,
                "snapshots": len(snapshots),
            }
        ),
        "utf-8",
    )


if __name__ == "__main__":
    main()
