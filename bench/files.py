"""Files: cases filed with five photos each through the real `nghe-dan run` process (issue #20).

One citizen at a time, as a person does it: the whole conversation, five photos at the photo
step, then "✅ Gửi". Two waits from the moment the press reaches the Bot API server: to the
receipt in the citizen's chat (the filing must not wait for any download), and until every
photo of the case is kept in the file store (the keeper's job downloads them by getFile).

The store's size per 1,000 cases is what the disk holds for them (whole blocks, folders
included) divided by the cases filed, times 1,000. Each photo here is `PHOTO_BYTES` of
incompressible data behind a JPEG header: the store keeps bytes as sent, so its size follows
the photos' size, and Telegram's largest size of a phone photo (1280 px) is typically 100–300 KB.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import time
from pathlib import Path
from typing import Any

from bench.configs import fleet_configs, instance_options
from bench.ingest import FIRST_CITIZEN, RECEIPT
from bench.stats import latency
from bot.config import load_config
from localapi import BotApiEmulator
from storage.backends import open_database
from storage.database import Database
from tests.conftest import TOKEN
from tests.e2e.harness import BotProcess, press

PHOTOS = 5
PHOTO_BYTES = 200_000
LOOK = 0.005
TIMEOUT = 60.0  # seconds for any one wait; beyond it the run fails, naming what it waited for


def photo(case: int, n: int) -> bytes:
    """A distinct photo for every case and position: the store keeps equal photos once."""
    body = random.Random(case * 100 + n).randbytes(PHOTO_BYTES - 6)
    return b"\xff\xd8\xff\xe0" + body + b"\xff\xd9"


class Citizen:
    def __init__(self, emu: BotApiEmulator, user: int) -> None:
        self.emu = emu
        self.user = user

    async def _handled(self, update: dict[str, Any]) -> float:
        """Waits until the bot has confirmed the update; the moment it reached the server."""
        start = time.monotonic()
        while any(u["update_id"] == update["update_id"] for u in self.emu.updates.pending):
            if time.monotonic() - start > TIMEOUT:
                raise TimeoutError(f"citizen {self.user}: update not handled in time")
            await asyncio.sleep(LOOK)
        return start

    async def says(self, text: str) -> float:
        return await self._handled(self.emu.user_sends_text(self.user, text))

    async def taps(self, label: str) -> float:
        return await self._handled(press(self.emu, self.user, label))

    async def sends_photo(self, data: bytes) -> float:
        return await self._handled(self.emu.user_sends_photo(self.user, data=data))

    def receipt_at(self, since: float) -> float | None:
        """When the receipt reached the server (the reply's call), if it has."""
        return next(
            (
                call.at
                for call in self.emu.call_log
                if call.at >= since
                and str(call.params.get("chat_id")) == str(self.user)
                and RECEIPT in str(call.params.get("text", ""))
            ),
            None,
        )


async def _kept(db: Database, user: int) -> list[tuple[str, str | None]]:
    rows = await db.reader.execute_fetchall(
        "SELECT f.status, f.sha256 FROM attachment_files AS f "
        "JOIN attachments AS a ON a.id = f.attachment_id "
        "JOIN tickets AS t ON t.id = a.ticket_id "
        "JOIN people AS p ON p.id = t.citizen_id "
        "WHERE p.external_id = ? ORDER BY a.position",
        (str(user),),
    )
    return [(str(r[0]), r[1]) for r in rows]


async def _file(
    citizen: Citizen, case: int, db: Database, store: Path
) -> tuple[float, float, bool]:
    """One case with PHOTOS photos: (seconds to the receipt, seconds until all are kept,
    whether the store holds each photo's bytes under its hash)."""
    await citizen.says("/start")
    await citizen.taps("Đồng ý")
    await citizen.taps("Gửi phản ánh")
    await citizen.taps("Phản ánh")
    await citizen.taps("Môi trường")
    await citizen.says(f"Cống thoát nước số {case} trước chợ bị vỡ, nước tràn ra đường.")
    photos = [photo(case, n) for n in range(PHOTOS)]
    for data in photos:
        await citizen.sends_photo(data)
    await citizen.says("xong")
    await citizen.says("Bỏ qua")
    await citizen.taps("Không cần")
    pressed = await citizen.taps("Gửi")
    while (receipt := citizen.receipt_at(pressed)) is None:
        if time.monotonic() - pressed > TIMEOUT:
            raise TimeoutError(f"citizen {citizen.user}: no receipt")
        await asyncio.sleep(LOOK)
    hashes = [hashlib.sha256(data).hexdigest() for data in photos]
    while (kept := await _kept(db, citizen.user)) != [("kept", h) for h in hashes]:
        if time.monotonic() - pressed > TIMEOUT:
            raise TimeoutError(f"citizen {citizen.user}: photos not kept: {kept}")
        await asyncio.sleep(LOOK)
    stored = time.monotonic()
    whole = all(
        (store / h[:2] / h[2:4] / h).read_bytes() == data
        for h, data in zip(hashes, photos, strict=True)
    )
    return receipt - pressed, stored - pressed, whole


def _disk_bytes(folder: Path) -> int:
    """What the folder takes on disk: whole blocks of every file and folder in it."""
    total = 0
    for root, folders, files in os.walk(folder):
        for name in (*folders, *files):
            total += os.lstat(Path(root) / name).st_blocks * 512
    return total


async def run_files(folder: Path, cases: int) -> dict[str, Any]:
    """`cases` citizens, one after another, each filing a case with PHOTOS photos through one
    `nghe-dan run` process on SQLite."""
    async with BotApiEmulator(token=TOKEN) as emu:
        [(name, config_file)] = fleet_configs(folder, emu.base_url_as, 1)
        config = load_config(config_file)
        bot = BotProcess(config_file, folder / f"{name}.log", options=instance_options(name, 0))
        await bot.start()
        try:
            await asyncio.wait_for(emu.polled.wait(), TIMEOUT)
            db = await open_database(config.storage.path, config.storage.url)
            try:
                store = config.storage.files_folder
                filed = [
                    await _file(Citizen(emu, FIRST_CITIZEN + n), n, db, store) for n in range(cases)
                ]
            finally:
                await db.close()
        finally:
            exit_code = await bot.stop()
    size = _disk_bytes(config.storage.files_folder)
    photos = cases * PHOTOS
    return {
        "cases": cases,
        "photos_per_case": PHOTOS,
        "photo_bytes": PHOTO_BYTES,
        "to_receipt": latency([receipt for receipt, _, _ in filed]),
        "until_stored": latency([stored for _, stored, _ in filed]),
        "store_bytes": size,
        "store_mb_per_1000_cases": round(size / cases * 1000 / 1_000_000, 1),
        "overhead_per_photo_bytes": round((size - photos * PHOTO_BYTES) / photos),
        "invariants": {
            "every_photo_kept_by_hash": all(ok for _, _, ok in filed),
            "process_exited_cleanly": exit_code == 0,
        },
    }
