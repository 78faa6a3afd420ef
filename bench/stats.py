"""Latencies and rates as the report prints them."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: a value that was measured, never an interpolation."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def millis(seconds: float) -> float:
    return round(seconds * 1000, 2)


def latency(values: list[float]) -> dict[str, float]:
    """p50, p99 and the worst, in milliseconds."""
    return {
        "p50_ms": millis(percentile(values, 0.50)),
        "p99_ms": millis(percentile(values, 0.99)),
        "max_ms": millis(max(values, default=math.nan)),
        "count": len(values),
    }


class Stopwatch:
    """Collects the duration of each timed block."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    @contextmanager
    def timed(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.samples.append(time.perf_counter() - start)


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB, from /proc (Linux)."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return round(fields["VmRSS"], 1), round(fields["VmHWM"], 1)


def own_rss_mb() -> tuple[float, float]:
    return rss_mb(os.getpid())
