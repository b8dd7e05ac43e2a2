"""What every benchmark prints: a figure, its goal, and the ratio to the floor of the same run."""
from __future__ import annotations

import statistics
import time


def timed(fn, repeat: int = 3):
    """Median seconds of ``repeat`` calls of ``fn``, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def report(name: str, seconds: float, goal: float | None, floor_name: str | None = None,
           floor: float | None = None) -> None:
    """One line: ``[ok ]``/``[SLOW]``, the figure, its goal (None: for information), the ratio to the floor."""
    ok = "ok " if goal is None or seconds <= goal else "SLOW"
    goal_text = f"(goal ≤ {goal:g} s)" if goal is not None else "(information)"
    ratio = f"  ratio {seconds / floor:5.1f}× {floor_name} ({floor:.3f} s)" if floor else ""
    print(f"[{ok}] {name:<52} {seconds:7.3f} s  {goal_text}{ratio}")


def cached_store(name: str, fill, fresh: bool = False):
    """A generated store kept in the temp folder between runs (keyed by schema version):
    ``fill(db) -> number of values`` runs only when it is missing or ``fresh``."""
    import tempfile
    from pathlib import Path

    from app.models.db import SCHEMA_VERSION, open_store

    cache = Path(tempfile.gettempdir()) / "ipdesk-bench" / f"{name}-s{SCHEMA_VERSION}-seed7.sqlite"
    if fresh or not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        for p in cache.parent.glob(cache.name + "*"):
            p.unlink()
        t = time.perf_counter()
        db = open_store(cache)
        n = fill(db)
        db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
        db.conn.close()
        print(f"generated {name} store: {n:,} values in {time.perf_counter() - t:.1f} s -> {cache}")
    return cache
