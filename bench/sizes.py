"""How big each benchmark runs: the issue's full size, and the small run the test suite makes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sizes:
    floor_updates: int
    floor_people: int
    ingest_citizens: int  # 10 updates each
    paced_citizens: int  # 0: no run with Telegram's pace
    network_citizens: int  # filing at once over a network with round trips
    round_trip_ms: int  # what each Bot API call takes there
    process_citizens: int  # filing at once through real `nghe-dan run` processes
    announce_recipients: int  # an announcement going out while the network's citizens file
    webhook_processes: tuple[int, ...]  # runs behind a load balancer on PostgreSQL, as many
    notices: int
    recipients: int
    emulator_limit: float  # messages a second
    shared_notices: int  # fan-out from several processes on one PostgreSQL database
    shared_recipients: int
    sharing_processes: tuple[int, ...]  # how many processes share that fan-out, each a run
    photo_cases: int  # filed one after another, five photos each, through a real process
    cases: int
    citizens: int
    samples: int  # look-ups timed per kind
    web_requests: int  # first pages asked of the public page and of Open311, each


FULL = Sizes(
    floor_updates=10_000,
    floor_people=1_000,
    ingest_citizens=1_000,
    paced_citizens=100,
    network_citizens=30,
    round_trip_ms=100,
    process_citizens=30,
    announce_recipients=2_000,
    webhook_processes=(1, 2, 3),
    notices=10_000,
    recipients=2_000,
    emulator_limit=30,
    shared_notices=3_000,
    shared_recipients=600,
    sharing_processes=(2, 3),
    photo_cases=20,
    cases=1_000_000,
    citizens=200_000,
    samples=200,
    web_requests=300,
)
# Invariants only: enough of everything to lose or double something if the code could.
SMALL = Sizes(
    floor_updates=2_000,
    floor_people=200,
    ingest_citizens=200,
    paced_citizens=0,
    network_citizens=5,
    round_trip_ms=5,
    process_citizens=5,
    announce_recipients=50,
    webhook_processes=(),
    notices=150,
    recipients=50,
    emulator_limit=30,
    shared_notices=100,
    shared_recipients=50,
    sharing_processes=(2,),
    photo_cases=2,
    cases=10_000,
    citizens=2_000,
    samples=20,
    web_requests=20,
)
