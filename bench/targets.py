"""The issue's targets, checked against one run's results (reported, never enforced: a busy
machine makes timings noisy, and only the invariants decide whether a run passed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Target = tuple[str, str, Callable[[dict[str, Any]], float | None], Callable[[float], bool]]


def _get(*path: str) -> Callable[[dict[str, Any]], float | None]:
    def read(results: dict[str, Any]) -> float | None:
        value: Any = results
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return float(value)

    return read


TARGETS: list[Target] = [
    ("ingest ÷ floor", "≥ 0.40", _get("ingest", "ratio_to_floor"), lambda v: v >= 0.40),
    ("ingest p99 per update", "≤ 25 ms", _get("ingest", "latency", "p99_ms"), lambda v: v <= 25),
    (
        "ingest ÷ floor, PostgreSQL",
        "≥ 0.40",
        _get("postgresql", "ingest", "ratio_to_floor"),
        lambda v: v >= 0.40,
    ),
    (
        "ingest p99, PostgreSQL",
        "≤ 25 ms",
        _get("postgresql", "ingest", "latency", "p99_ms"),
        lambda v: v <= 25,
    ),
    (
        "reply p99, announcement",
        "≤ 1000 ms",
        _get("announce", "announcement", "wait", "p99_ms"),
        lambda v: v <= 1000,
    ),
    ("fan-out ÷ limit", "≥ 0.95", _get("fanout", "ratio_to_limit"), lambda v: v >= 0.95),
    ("fan-out duplicates", "0", _get("fanout", "duplicates"), lambda v: v == 0),
    ("fan-out lost", "0", _get("fanout", "lost"), lambda v: v == 0),
    *(
        target
        for count in ("2", "3")
        for target in (
            (
                f"fan-out ÷ limit, {count} processes",
                "≥ 0.95",
                _get("postgresql", "fanout", count, "ratio_to_limit"),
                lambda v: v >= 0.95,
            ),
            (
                f"fan-out 429s, {count} processes",
                "0",
                _get("postgresql", "fanout", count, "too_many_requests"),
                lambda v: v == 0,
            ),
        )
    ),
    (
        "/tracuu p99",
        "≤ 10 ms",
        _get("scale", "handlers", "tracuu_list", "p99_ms"),
        lambda v: v <= 10,
    ),
    (
        "/tracuu CODE p99",
        "≤ 10 ms",
        _get("scale", "handlers", "tracuu_code", "p99_ms"),
        lambda v: v <= 10,
    ),
    ("/viec p99", "≤ 10 ms", _get("scale", "handlers", "viec", "p99_ms"), lambda v: v <= 10),
    (
        "monthly report (worst)",
        "≤ 2000 ms",
        _get("scale", "handlers", "monthly_report", "max_ms"),
        lambda v: v <= 2000,
    ),
    ("start-up", "≤ 3 s", _get("scale", "process", "startup_seconds"), lambda v: v <= 3),
    ("bot peak RSS", "≤ 250 MB", _get("scale", "process", "rss_mb", "peak"), lambda v: v <= 250),
    ("public page p99", "≤ 100 ms", _get("publication", "page", "p99_ms"), lambda v: v <= 100),
    (
        "Open311 requests.json p99",
        "≤ 100 ms",
        _get("publication", "open311", "p99_ms"),
        lambda v: v <= 100,
    ),
    (
        "procedure look-up p99",
        "≤ 20 ms",
        _get("guide", "lookup", "p99_ms"),
        lambda v: v <= 20,
    ),
]


def checked(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, goal, read, meets in TARGETS:
        value = read(results)
        if value is not None:
            rows.append({"target": name, "goal": goal, "value": value, "met": meets(value)})
    return rows


def invariants(results: dict[str, Any]) -> dict[str, bool]:
    """Every invariant of every part, as "part.name": held."""
    found: dict[str, bool] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "invariants":
                    found.update({f"{prefix}{name}": bool(v) for name, v in value.items()})
                else:
                    walk(f"{prefix}{key}.", value)

    walk("", results)
    return found
