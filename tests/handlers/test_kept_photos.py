"""A citizen files a case with a photo through the real Application; the file keeper then
downloads it as in production (python-telegram-bot's getFile and file download) from the Bot
API emulator, which holds the bytes of the photos its users send."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot

from bot.config import Config
from bot.domain.files import GONE_ATTEMPTS, retry_delay
from bot.services import Services
from bot.services.file_keeping import FileKeeper
from bot.texts import t
from handlers.wiring.downloads import ChannelFiles
from localapi import BotApiEmulator
from storage import attachment_files, events
from storage.file_store import FolderStore, digest
from tests.conftest import TOKEN
from tests.handlers.test_citizen_flow import agree
from tests.support.chat import Chats
from tests.support.clock import FixedClock

CITIZEN = 5101
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 o ga truoc nha van hoa \xff\xd9"


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def keeper(services: Services, emu: BotApiEmulator) -> AsyncIterator[FileKeeper]:
    base = emu.base_url
    async with Bot(TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot") as bot:
        yield FileKeeper(
            services.db,
            services.clock,
            FolderStore(services.config.storage.files_folder),
            ChannelFiles(bot),
            instance="test",
        )


async def file_with_photo(chats: Chats, file_id: str, *, first: bool = True) -> str:
    if first:
        await agree(chats, CITIZEN)
    await chats.tap(CITIZEN, "Gửi phản ánh")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")
    await chats.say(CITIZEN, "Ổ gà lớn trước nhà văn hóa thôn Đông.")
    await chats.photo(CITIZEN, "p1", file_id=file_id)
    await chats.say(CITIZEN, "xong")
    await chats.say(CITIZEN, "Bỏ qua")
    await chats.tap(CITIZEN, "Không cần")
    receipt = await chats.tap(CITIZEN, "Gửi")
    text = str(receipt[-1].params["text"])
    assert "Đã gửi đơn thành công" in text
    return text.split("Mã hồ sơ: ")[1].split(maxsplit=1)[0]


async def ticket_id(services: Services, code: str) -> int:
    rows = await services.db.reader.execute_fetchall(
        "SELECT id FROM tickets WHERE code = ?", (code,)
    )
    return int(rows[0][0])


async def test_the_photo_a_citizen_sent_is_kept_by_hash_with_the_hash_in_the_audit(
    chats: Chats, services: Services, config: Config, emu: BotApiEmulator, keeper: FileKeeper
) -> None:
    sent = emu.user_sends_photo(CITIZEN, data=PHOTO)
    largest = sent["message"]["photo"][-1]["file_id"]
    case = await ticket_id(services, await file_with_photo(chats, largest))
    # Filed, not yet downloaded: the citizen had their receipt before any download.
    [waiting] = await attachment_files.for_ticket(services.db.reader, case)
    assert waiting.status == "pending"

    assert await keeper.keep_due() == 1

    [kept] = await attachment_files.for_ticket(services.db.reader, case)
    assert (kept.status, kept.sha256, kept.size) == ("kept", digest(PHOTO), len(PHOTO))
    assert kept.media_type == "image/jpeg"
    store = FolderStore(config.storage.files_folder)
    assert store.path_of(digest(PHOTO)).read_bytes() == PHOTO
    trail = await events.for_ticket(services.db.reader, case)
    assert any(
        e.action == "file_kept" and f"sha256:{digest(PHOTO)}" in (e.note or "") for e in trail
    )


async def test_a_photo_telegram_no_longer_has_ends_failed(
    chats: Chats, services: Services, clock: FixedClock, keeper: FileKeeper
) -> None:
    case = await ticket_id(services, await file_with_photo(chats, "AgACAgIAAxkBAAI-forgotten"))
    for attempt in range(1, GONE_ATTEMPTS + 1):
        await keeper.keep_due()
        clock.advance(retry_delay(attempt) + timedelta(seconds=1))

    [lost] = await attachment_files.for_ticket(services.db.reader, case)
    assert (lost.status, lost.attempts, lost.sha256) == ("failed", GONE_ATTEMPTS, None)
    assert "gone" in (lost.last_error or "")
    rows = await services.db.reader.execute_fetchall(
        "SELECT status FROM tickets WHERE id = ?", (case,)
    )
    assert rows[0][0] == "new"


async def test_a_download_in_a_telegram_outage_is_kept_once_telegram_is_back(
    chats: Chats, services: Services, clock: FixedClock, emu: BotApiEmulator, keeper: FileKeeper
) -> None:
    sent = emu.user_sends_photo(CITIZEN, data=PHOTO)
    case = await ticket_id(
        services, await file_with_photo(chats, sent["message"]["photo"][-1]["file_id"])
    )
    emu.fail_with(502)
    await keeper.keep_due()
    [waiting] = await attachment_files.for_ticket(services.db.reader, case)
    assert (waiting.status, waiting.attempts) == ("pending", 1)

    emu.fail_with(None)
    clock.advance(retry_delay(1))
    await keeper.keep_due()
    [kept] = await attachment_files.for_ticket(services.db.reader, case)
    assert (kept.status, kept.attempts, kept.sha256) == ("kept", 2, digest(PHOTO))


async def test_a_zalo_image_url_is_kept_and_an_expired_one_ends_failed(
    chats: Chats, services: Services, clock: FixedClock, emu: BotApiEmulator, keeper: FileKeeper
) -> None:
    """A Zalo photo's reference is its URL (handlers.zalo.inbound); any HTTP server stands in
    for Zalo's image host here: the emulator's file addresses, 404 once forgotten."""
    stored = emu.files.store("photo", PHOTO)
    url = f"{emu.base_url}/file/bot{TOKEN}/{stored.path}"
    case = await ticket_id(services, await file_with_photo(chats, url))
    await keeper.keep_due()
    [kept] = await attachment_files.for_ticket(services.db.reader, case)
    assert (kept.status, kept.sha256) == ("kept", digest(PHOTO))

    expired = f"{emu.base_url}/file/bot{TOKEN}/photos/expired.jpg"
    later = await ticket_id(services, await file_with_photo(chats, expired, first=False))
    for attempt in range(1, GONE_ATTEMPTS + 1):
        await keeper.keep_due()
        clock.advance(retry_delay(attempt))
    [lost] = await attachment_files.for_ticket(services.db.reader, later)
    assert (lost.status, lost.last_error) == ("failed", "gone: HTTP 404")


def card_recipient(chats: Chats, code: str) -> int:
    """The officer the new case's card went to."""
    card = next(c for c in chats.request.calls if f"Hồ sơ mới {code}" in c.params.get("text", ""))
    return int(card.params["chat_id"])


async def test_hoso_a_day_later_sends_the_kept_photo_uploaded_once_then_by_its_id(
    chats: Chats, services: Services, clock: FixedClock, emu: BotApiEmulator, keeper: FileKeeper
) -> None:
    sent = emu.user_sends_photo(CITIZEN, data=PHOTO)
    code = await file_with_photo(chats, sent["message"]["photo"][-1]["file_id"])
    officer = card_recipient(chats, code)
    await keeper.keep_due()
    clock.advance(timedelta(days=1))

    first = [c for c in await chats.say(officer, f"/hoso {code}") if c.method == "sendPhoto"]
    again = [c for c in await chats.say(officer, f"/hoso {code}") if c.method == "sendPhoto"]

    [upload] = first
    assert upload.files["photo"][1] == PHOTO, "the store's bytes, not the citizen's file id"
    assert upload.params["caption"] == f"Ảnh 1 của hồ sơ {code}"
    [by_id] = again
    assert by_id.files == {}
    rows = await services.db.reader.execute_fetchall("SELECT sha256, file_id FROM file_uploads")
    assert [tuple(r) for r in rows] == [(digest(PHOTO), by_id.params["photo"])]


async def test_a_zalo_photo_never_kept_reaches_the_officer_as_its_words(
    chats: Chats, services: Services, clock: FixedClock, emu: BotApiEmulator, keeper: FileKeeper
) -> None:
    """The card's photo waits for the store; once the download is given up, the officer is told
    there is no file, on the card's thread and in /hoso."""
    expired = f"{emu.base_url}/file/bot{TOKEN}/photos/expired.jpg"
    code = await file_with_photo(chats, expired)
    officer = card_recipient(chats, code)
    assert not [c for c in chats.request.sent_to(officer) if c.method == "sendPhoto"]
    for attempt in range(1, GONE_ATTEMPTS + 1):
        await keeper.keep_due()
        clock.advance(retry_delay(attempt))
    await chats.app.bot_data.deliverer.deliver_due()

    missing = t("card.media.file_missing")
    told = [
        c.params["text"]
        for c in chats.request.sent_to(officer)
        if missing in c.params.get("text", "")
    ]
    assert told == [f"Ảnh 1 của hồ sơ {code}\n{missing}"]
    on_hoso = await chats.say(officer, f"/hoso {code}")
    assert any(missing in c.params.get("text", "") for c in on_hoso)
    assert not [c for c in chats.request.sent_to(officer) if c.method == "sendPhoto"]
