"""`python -m bench` (`make bench`): run the benchmarks, print a table, write the results.

Exits 1 when an invariant fails (a lost or doubled message, a case not stored); targets are
printed with the numbers but decide nothing, since timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import telegram

from bench.announce import run_announce
from bench.configs import NotMeasuredError, fresh
from bench.fanout import run_fanout
from bench.files import run_files
from bench.floor import run_floor, run_postgres_floor
from bench.guide import run_guide
from bench.ingest import run_ingest, run_network
from bench.postgres import describe, server
from bench.processes import run_processes
from bench.publication import run_publication
from bench.scale import run_scale
from bench.sizes import FULL, SMALL, Sizes
from bench.targets import checked, invariants

PARTS = (
    "floor",
    "ingest",
    "network",
    "announce",
    "processes",
    "fanout",
    "files",
    "scale",
    "publication",
    "guide",
)
BACKENDS = ("sqlite", "postgresql")  # what every part but network, announce and scale runs on
PROCESSES = (1, 2, 3)  # bot processes on one PostgreSQL database


def machine(load_at_start: tuple[float, float, float]) -> dict[str, Any]:
    """The machine, and how busy it was: other work on it makes every timing slower."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "system": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "python_telegram_bot": telegram.__version__,
        "load_average_at_start": [round(x, 2) for x in load_at_start],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def _compare(ingest: dict[str, Any], floor: dict[str, Any] | None) -> None:
    if floor is not None:
        ratio = ingest["updates_per_second"] / floor["updates_per_second"]
        ingest["ratio_to_floor"] = round(ratio, 3)


async def on_postgresql(sizes: Sizes, parts: list[str], work: Path) -> dict[str, Any]:
    """The floor, the ingest, the processes and the shared fan-out on one throw-away
    PostgreSQL server, a new database each."""
    found: dict[str, Any] = {}
    with server() as cluster:
        found["server"] = describe(cluster.url("postgres"))
        if "floor" in parts:
            found["floor"] = await run_postgres_floor(
                cluster.url(cluster.create_database()), sizes.floor_updates, sizes.floor_people
            )
            found["floor_synchronous_commit"] = await run_postgres_floor(
                cluster.url(cluster.create_database()),
                sizes.floor_updates,
                sizes.floor_people,
                synchronous_commit=True,
            )
        if "ingest" in parts:
            try:
                found["ingest"] = await run_ingest(
                    fresh(work / "ingest_postgresql"),
                    sizes.ingest_citizens,
                    storage_url=cluster.url(cluster.create_database()),
                )
            except NotMeasuredError as reason:
                found["ingest"] = {"not_measured": str(reason)}
            else:
                _compare(found["ingest"], found.get("floor"))
        if "processes" in parts:
            found["processes"] = {}
            for count in PROCESSES:
                try:
                    found["processes"][str(count)] = await run_processes(
                        fresh(work / f"processes_postgresql_{count}"),
                        count,
                        sizes.process_citizens,
                        storage_url=cluster.url(cluster.create_database()),
                    )
                except NotMeasuredError as reason:
                    found["processes"][str(count)] = {"not_measured": str(reason)}
            if sizes.webhook_processes:
                found["processes_webhook"] = {
                    str(count): await run_processes(
                        fresh(work / f"processes_webhook_{count}"),
                        count,
                        sizes.process_citizens,
                        storage_url=cluster.url(cluster.create_database()),
                        webhook=True,
                    )
                    for count in sizes.webhook_processes
                }
        if "fanout" in parts:
            found["fanout"] = {
                str(count): await run_fanout(
                    fresh(work / f"fanout_postgresql_{count}"),
                    sizes.shared_notices,
                    sizes.shared_recipients,
                    sizes.emulator_limit,
                    processes=count,
                    storage_url=cluster.url(cluster.create_database()),
                )
                for count in sizes.sharing_processes
            }
    return found


async def run(sizes: Sizes, parts: list[str], work: Path, backends: list[str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if "floor" in parts and "sqlite" in backends:
        results["floor"] = await run_floor(
            fresh(work / "floor"), sizes.floor_updates, sizes.floor_people
        )
    if "ingest" in parts and "sqlite" in backends:
        results["ingest"] = await run_ingest(fresh(work / "ingest"), sizes.ingest_citizens)
        _compare(results["ingest"], results.get("floor"))
        if sizes.paced_citizens:
            results["ingest_paced"] = await run_ingest(
                fresh(work / "paced"), sizes.paced_citizens, paced=True
            )
    if "processes" in parts and "sqlite" in backends:
        results["processes"] = {
            "1": await run_processes(fresh(work / "processes"), 1, sizes.process_citizens)
        }
    if "postgresql" in backends and {"floor", "ingest", "processes", "fanout"} & set(parts):
        results["postgresql"] = await on_postgresql(sizes, parts, work)
    if "network" in parts:
        results["network"] = await run_network(
            work / "network", sizes.network_citizens, sizes.round_trip_ms / 1000
        )
    if "announce" in parts:
        results["announce"] = await run_announce(
            work / "announce",
            sizes.network_citizens,
            sizes.announce_recipients,
            sizes.round_trip_ms / 1000,
        )
    if "fanout" in parts and "sqlite" in backends:
        results["fanout"] = await run_fanout(
            fresh(work / "fanout"), sizes.notices, sizes.recipients, sizes.emulator_limit
        )
    if "files" in parts:
        results["files"] = await run_files(fresh(work / "files"), sizes.photo_cases)
    if "scale" in parts:
        results["scale"] = await run_scale(
            fresh(work / "scale"), sizes.cases, sizes.citizens, sizes.samples
        )
    if "publication" in parts:
        results["publication"] = await run_publication(
            fresh(work / "publication"), sizes.cases, sizes.citizens, sizes.web_requests
        )
    if "guide" in parts:
        results["guide"] = run_guide(max(sizes.samples * 10, 500))
    return results


def _floor_line(name: str, floor: dict[str, Any]) -> str:
    return (
        f"{name}: {floor['updates_per_second']:g} updates/s, "
        f"p50 {floor['latency']['p50_ms']:g} ms, p99 {floor['latency']['p99_ms']:g} ms"
    )


def _announce_lines(runs: dict[str, Any]) -> list[str]:
    return [
        f"announce, {run['citizens']} citizens, {run['recipients']} recipients, {name}: "
        f"wait p50 {run['wait']['p50_ms']:g} ms, p99 {run['wait']['p99_ms']:g} ms, "
        f"announcement {run['announcement_per_second']:g}/s, {run['too_many_requests']} × 429"
        for name, run in runs.items()
    ]


def _files_lines(run: dict[str, Any] | None) -> list[str]:
    if run is None:
        return []
    return [
        f"files, {run['cases']} cases × {run['photos_per_case']} photos of "
        f"{run['photo_bytes'] // 1000} KB: receipt p50 {run['to_receipt']['p50_ms']:g} ms, "
        f"p99 {run['to_receipt']['p99_ms']:g} ms; all kept p50 "
        f"{run['until_stored']['p50_ms']:g} ms, p99 {run['until_stored']['p99_ms']:g} ms; "
        f"store {run['store_mb_per_1000_cases']:g} MB per 1,000 cases"
    ]


def _publication_lines(run: dict[str, Any] | None) -> list[str]:
    if run is None:
        return []
    return [
        f"public page, {run['cases']:,} cases, {run['published']:,} published: "
        + ", ".join(
            f"{name} p50 {run[name]['p50_ms']:g} ms, p99 {run[name]['p99_ms']:g} ms"
            for name in ("page", "open311", "open311_page_1000")
        )
        + f"; figures {run['figures_first_ms']:g} ms made, "
        f"{run['figures_cached']['p99_ms']:g} ms cached"
    ]


def _guide_lines(run: dict[str, Any] | None) -> list[str]:
    if run is None:
        return []
    return [
        f"procedure look-up, {run['procedures']:,} procedures ({run['phrases']:,} phrases): "
        f"p50 {run['lookup']['p50_ms']:g} ms, p99 {run['lookup']['p99_ms']:g} ms; "
        f"index built in {run['index_built_ms']:g} ms"
    ]


def table(results: dict[str, Any]) -> str:
    lines = [f"{'target':<30} {'goal':>10} {'measured':>12}  met"]
    for row in results["targets"]:
        mark = "yes" if row["met"] else "NO"
        lines.append(f"{row['target']:<30} {row['goal']:>10} {row['value']:>12g}  {mark}")
    lines.append("")
    if "floor" in results:
        lines.append(_floor_line("floor, SQLite", results["floor"]))
    postgresql = results.get("postgresql", {})
    for key, name in (
        ("floor", "floor, PostgreSQL"),
        ("floor_synchronous_commit", "floor, PostgreSQL, synchronous_commit on"),
    ):
        if key in postgresql:
            lines.append(_floor_line(name, postgresql[key]))
    if "not_measured" in postgresql.get("ingest", {}):
        lines.append(f"ingest, PostgreSQL: not measured: {postgresql['ingest']['not_measured']}")
    for backend, runs in (
        ("SQLite", results.get("processes", {})),
        ("PostgreSQL", postgresql.get("processes", {})),
        ("PostgreSQL, webhook", postgresql.get("processes_webhook", {})),
    ):
        for count, run in runs.items():
            name = f"{count} process{'es' if count != '1' else ''}, {backend}"
            if "not_measured" in run:
                lines.append(f"{name}: not measured: {run['not_measured']}")
            else:
                lines.append(
                    f"{name}: {run['updates_per_second']:g} updates/s, "
                    f"wait p50 {run['wait']['p50_ms']:g} ms, p99 {run['wait']['p99_ms']:g} ms, "
                    f"busiest second {run['busiest_second']} sends, "
                    f"polls {run['polls']}, sends {run['sends']}, CPU {run['cpu_share']}"
                )
    for name, run in (
        ("fan-out, 1 process, SQLite", results.get("fanout")),
        *(
            (f"fan-out, {count} processes, PostgreSQL", run)
            for count, run in postgresql.get("fanout", {}).items()
        ),
    ):
        if run is not None:
            lines.append(
                f"{name}: {run['notices']} notices, {run['achieved_per_second']:g}/s "
                f"÷ {run['limit_per_second']:g} = {run['ratio_to_limit']:g}, "
                f"{run['too_many_requests']} × 429, sent by process {run['sent_by_process']}, "
                f"{run['duplicates']} duplicates, {run['lost']} lost"
            )
    for name, run in results.get("network", {}).items():
        lines.append(
            f"network, {run['citizens']} citizens, {run['round_trip_ms']} ms a call, {name}: "
            f"{run['updates_per_second']:g} updates/s, wait p99 {run['latency']['p99_ms']:g} ms"
        )
    lines += _announce_lines(results.get("announce", {}))
    lines += _files_lines(results.get("files"))
    lines += _publication_lines(results.get("publication"))
    lines += _guide_lines(results.get("guide"))
    failed = [name for name, held in results["invariants"].items() if not held]
    lines.append(
        f"invariants: {len(results['invariants']) - len(failed)} held"
        + (f", FAILED: {', '.join(failed)}" if failed else "")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", action="store_true", help="the quick run the tests make")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only these parts")
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        action="append",
        help="run the floor, ingest, processes and fan-out on this database only (default: both)",
    )
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    # As in the test suite: conversations check each button's step themselves.
    warnings.filterwarnings("ignore", "If 'per_message=False'")
    sizes = SMALL if args.small else FULL
    work = args.keep or Path(tempfile.mkdtemp(prefix="nghe-dan-bench-"))
    started = datetime.now(UTC)
    load = os.getloadavg()
    clock = time.perf_counter()
    try:
        results = asyncio.run(
            run(sizes, args.only or list(PARTS), work, args.backend or list(BACKENDS))
        )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report: dict[str, Any] = {
        "mode": "small" if args.small else "full",
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 1),
        "machine": machine(load),
        **results,
    }
    report["targets"] = checked(results)
    report["invariants"] = invariants(results)
    print(table(report))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0 if all(report["invariants"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
