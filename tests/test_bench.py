"""The benchmark's small run, as `make test` makes it: every part runs against the real handlers,
storage, outbox and `nghe-dan` processes, the floors on SQLite and on a real PostgreSQL server,
several processes on one PostgreSQL database, and nothing is lost, doubled or left unstored.

Timings are printed by the benchmark, never asserted here: they depend on the machine's load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.support.postgres import installed_binaries


def test_the_small_benchmark_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    installed_binaries()  # the benchmark starts its own PostgreSQL server from them
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--small", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    held = results["invariants"]
    assert len(held) >= 10
    assert all(held.values()), held
    assert results["floor"]["updates"] == 2_000
    assert results["ingest"]["updates"] == 2_000
    assert results["ingest"]["citizens"] == 200
    postgresql = results["postgresql"]
    assert postgresql["server"]["fsync"] == "on"
    for floor, commit in (("floor", "off"), ("floor_synchronous_commit", "on")):
        assert postgresql[floor]["updates"] == 2_000, floor
        assert postgresql[floor]["synchronous_commit"] == commit, floor
    assert postgresql["ingest"]["updates"] == 2_000
    assert postgresql["ingest"]["citizens"] == 200
    assert results["processes"]["1"]["updates"] == 50  # 5 citizens through `nghe-dan run`
    assert postgresql["processes"]["1"]["updates"] == 50
    for count in ("2", "3"):
        assert postgresql["processes"][count]["updates"] == 50, count
    for run in ("one_by_one", "at_once"):
        assert results["network"][run]["updates"] == 50, run  # 5 citizens filing in polls
    for run in ("quiet", "announcement"):  # 5 citizens filing, during 50 announced or not
        assert results["announce"][run]["updates"] == 50, run
        assert results["announce"][run]["too_many_requests"] == 0, run
    fanout = results["fanout"]
    assert (fanout["notices"], fanout["duplicates"], fanout["lost"]) == (150, 0, 0)
    shared = postgresql["fanout"]["2"]  # two processes delivering from one outbox
    assert (shared["notices"], shared["duplicates"], shared["lost"]) == (100, 0, 0)
    files = results["files"]  # 2 cases with 5 photos each, kept by the real process
    assert (files["cases"], files["photos_per_case"]) == (2, 5)
    assert files["to_receipt"]["count"] == files["until_stored"]["count"] == 2
    assert files["store_bytes"] >= 10 * files["photo_bytes"]
    assert results["scale"]["cases"] == 10_000
    assert results["scale"]["handlers"]["viec"]["count"] == 21
    publication = results["publication"]  # the public page and Open311 over 10,000 cases
    assert publication["cases"] == 10_000
    assert 2_000 < publication["published"] < 4_000
    assert publication["page"]["count"] >= 20
    assert publication["open311"]["count"] + publication["open311_page_1000"]["count"] >= 20
    guide = results["guide"]  # 500 look-ups over a 2,000-procedure catalog
    assert (guide["procedures"], guide["lookup"]["count"]) == (2_000, 500)
