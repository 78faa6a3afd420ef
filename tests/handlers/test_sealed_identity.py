"""A denouncer's identity, sealed: unreadable in the database file and its backup, opened only
by a leader (and each opening recorded), refused when there is no key to seal it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import TOKEN_ENV, Config, load_config
from bot.domain.chats import TELEGRAM_CHANNEL as CHANNEL
from bot.services import Services
from bot.services.officers import sync_from_config
from handlers.wiring.application import build_application
from storage.backends import open_database
from storage.postgres_backup import dump_postgres, find_pg_dump
from tests.conftest import SECRET_KEY, TOKEN
from tests.handlers.test_casework_flow import CHAIRMAN, ECONOMY, OFFICE, SUPERVISOR, texts
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats, buttons
from tests.support.clock import FakeTimer, FixedClock
from tests.support.offline import OfflineRequest

DENOUNCER = 8101
NAME = "Đinh Thị Kín"
PHONE = "0961234567"
ADDRESS = "Xóm Trại Mật, thôn Bắc"
CONTENT = "Ông trưởng thôn X thu tiền làm đường của các hộ nhưng không nộp về xã."


async def denounce(chats: Chats) -> str:
    """A tố cáo filed by buttons with the identity the law asks for; returns its code."""
    await agree(chats, DENOUNCER)
    await chats.say(DENOUNCER, "/guidon")
    await chats.tap(DENOUNCER, "Tố cáo")
    await chats.tap(DENOUNCER, "Đất đai")
    await chats.say(DENOUNCER, CONTENT)
    await chats.tap(DENOUNCER, "Không có ảnh")
    await chats.say(DENOUNCER, "bỏ qua")
    for answer in (NAME, PHONE, ADDRESS):
        await chats.say(DENOUNCER, answer)
    receipt = await chats.tap(DENOUNCER, "Gửi")
    text = str(receipt[-1].params["text"])
    return text.split("Mã hồ sơ: ")[1].split(maxsplit=1)[0]


def file_bytes(path: Path) -> bytes:
    """The database as a thief would copy it: the main file and its write-ahead log."""
    found = b""
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            found += part.read_bytes()
    return found


def readable(data: bytes) -> list[str]:
    return [secret for secret in (NAME, PHONE, ADDRESS) if secret.encode() in data]


async def postgres_backup_text(url: str, folder: Path) -> bytes:
    """Every row of the PostgreSQL database, as `nghe-dan backup` copies it (pg_dump's custom
    format, compressed) turned back into readable SQL by pg_restore."""
    pg_dump = find_pg_dump()
    assert pg_dump is not None
    copy = folder / "backup.dump"
    await dump_postgres(pg_dump, url, copy)
    restore = await asyncio.create_subprocess_exec(
        pg_dump.with_name("pg_restore"), "--file=-", copy, stdout=asyncio.subprocess.PIPE
    )
    text, _ = await restore.communicate()
    assert restore.returncode == 0
    return text


async def test_the_identity_is_not_in_the_database_nor_in_a_backup(
    chats: Chats, config: Config, tmp_path: Path
) -> None:
    code = await denounce(chats)
    if config.storage.url is None:
        assert readable(file_bytes(config.storage.path)) == []
        copy = tmp_path / "backup.sqlite3"
        with sqlite3.connect(config.storage.path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        assert readable(copy.read_bytes()) == []
    else:
        dumped = await postgres_backup_text(config.storage.url, tmp_path)
        assert CONTENT.encode() in dumped, "the dump holds the case itself"
        assert readable(dumped) == []
    # Nothing in the case points at the denouncer's own row: it is filed under a pseudonym.
    [(own,)] = await rows(config, f"SELECT id FROM people WHERE external_id = '{DENOUNCER}'")
    [(filer, sealed)] = await rows(
        config, f"SELECT citizen_id, sealed FROM tickets WHERE code = '{code}'"
    )
    assert filer != own
    assert sealed == 1
    [(channel,)] = await rows(config, f"SELECT channel FROM people WHERE id = {filer}")
    assert channel == "sealed"
    actors = await rows(config, "SELECT actor_id FROM ticket_events")
    assert (own,) not in actors
    assert await rows(config, f"SELECT 1 FROM outbox WHERE recipient = '{DENOUNCER}'") == []


async def test_a_leader_opens_the_identity_and_the_opening_is_recorded(
    chats: Chats, config: Config
) -> None:
    code = await denounce(chats)
    assert NAME not in " ".join(texts(chats, CHAIRMAN)), "the card carries no identity"
    shown = await chats.tap(CHAIRMAN, "Xem danh tính")
    text = str(shown[-1].params["text"])
    assert NAME in text
    assert PHONE in text
    assert ADDRESS in text
    assert str(DENOUNCER) in text
    history = await rows(
        config,
        "SELECT e.action, p.external_id FROM ticket_events e JOIN people p ON p.id = e.actor_id "
        f"WHERE e.ticket_id = (SELECT id FROM tickets WHERE code = '{code}') ORDER BY e.id",
    )
    assert history[-1] == ("identity_viewed", str(CHAIRMAN))
    # The leader's /hoso shows the opening in the history, and the button again.
    record = await chats.say(CHAIRMAN, f"/hoso {code}")
    assert "Lãnh đạo xem danh tính người tố cáo" in str(record[-1].params["text"])
    assert NAME not in str(record[-1].params["text"])
    assert any("Xem danh tính" in label for label, _ in buttons(record[-1]))


async def test_no_one_else_can_open_it_even_with_a_forged_button(
    chats: Chats, config: Config
) -> None:
    code = await denounce(chats)
    [(ticket_id,)] = await rows(config, f"SELECT id FROM tickets WHERE code = '{code}'")
    for other in (ECONOMY, OFFICE, SUPERVISOR, DENOUNCER):
        before = len(chats.request.calls)
        await chats.press(other, f"case.{ticket_id}|identity")
        calls = chats.request.calls[before:]
        assert not any(NAME in str(c.params) or PHONE in str(c.params) for c in calls)
        # Answered with a refusal, never left spinning.
        assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert await rows(config, "SELECT 1 FROM ticket_events WHERE action = 'identity_viewed'") == []


async def test_the_denouncer_follows_their_case_through_the_pseudonym(
    chats: Chats, config: Config
) -> None:
    code = await denounce(chats)
    listed = await chats.say(DENOUNCER, "/tracuu")
    assert code in str(listed[-1].params["text"])
    await chats.tap(CHAIRMAN, "Tiếp nhận")
    await chats.tap(CHAIRMAN, "Yêu cầu bổ sung")
    await chats.say(CHAIRMAN, "Ông/bà có biên lai thu tiền không?")
    # The question is queued for the pseudonym; the sender opens it to reach the real chat.
    await chats.app.bot_data.deliverer.deliver_due()
    assert "biên lai" in chats.last_text(DENOUNCER)
    await chats.tap(DENOUNCER, "Trả lời")
    await chats.say(DENOUNCER, "Có, tôi giữ ba biên lai viết tay.")
    await chats.app.bot_data.deliverer.deliver_due()
    assert "ba biên lai viết tay" in " ".join(texts(chats, CHAIRMAN))


@pytest.fixture
async def keyless(tmp_path: Path) -> AsyncIterator[tuple[Chats, Config]]:
    """The bot as a commune runs it before making a key."""
    path = tmp_path / "keyless" / "config.toml"
    path.parent.mkdir()
    path.write_text(
        (Path(__file__).parents[2] / "config.example.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    config = load_config(path, environ={TOKEN_ENV: TOKEN})
    db = await open_database(config.storage.path, config.storage.url)
    services = Services(config=config, db=db, clock=FixedClock())
    await sync_from_config(db, services.clock, config, CHANNEL)
    request = OfflineRequest()
    app = build_application(services, request=request, timer=FakeTimer())
    async with app:
        yield Chats(app, request), config
    await db.close()


async def test_without_a_key_a_denunciation_is_refused_and_a_tip_offered(
    keyless: tuple[Chats, Config],
) -> None:
    chats, config = keyless
    await agree(chats, DENOUNCER)
    await chats.say(DENOUNCER, "/guidon")
    refused = await chats.tap(DENOUNCER, "Tố cáo")
    text = " ".join(str(c.params.get("text")) for c in refused)
    assert "chưa nhận được tố cáo có ghi tên" in text
    assert any("Tin báo" in label for label, _ in buttons(refused[-1]))
    await chats.tap(DENOUNCER, "Tin báo")
    await chats.tap(DENOUNCER, "Đất đai")
    await chats.say(DENOUNCER, CONTENT)
    await chats.tap(DENOUNCER, "Không có ảnh")
    summary = await chats.say(DENOUNCER, "bỏ qua")
    assert "Gửi" in " ".join(label for label, _ in buttons(summary[-1])), "no name is asked"
    await chats.tap(DENOUNCER, "Gửi")
    assert await rows(config, "SELECT kind, contact_name, sealed FROM tickets") == [
        ("feedback", None, 0)
    ]


def test_check_config_warns_without_a_key(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.__main__ import main  # noqa: PLC0415 - the command line, as the IT officer runs it

    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.delenv("NGHE_DAN_SECRET_KEY", raising=False)
    assert main(["check-config", "--config", str(config_path)]) == 0
    out, err = capsys.readouterr()
    assert "CHƯA CÓ" in out
    assert "nghe-dan gen-key" in err
    monkeypatch.setenv("NGHE_DAN_SECRET_KEY", SECRET_KEY)
    assert main(["check-config", "--config", str(config_path)]) == 0
    out, err = capsys.readouterr()
    assert SECRET_KEY not in out + err


async def test_a_sealed_result_that_never_arrived_is_listed_as_sealed_not_as_no_phone(
    chats: Chats,
) -> None:
    """The leader who must call is told the phone is sealed and where to open it; the
    denouncer's own view says their contact details are kept sealed, never opened there."""
    code = await denounce(chats)
    await chats.tap(CHAIRMAN, "Tiếp nhận")
    own = str((await chats.say(DENOUNCER, f"/tracuu {code}"))[-1].params["text"])
    assert "không để lại thông tin liên hệ" not in own
    assert "bảo mật" in own
    assert PHONE not in own
    assert NAME not in own
    chats.request.blocked.add(DENOUNCER)
    await chats.tap(CHAIRMAN, "Giải quyết")
    await chats.say(CHAIRMAN, "Đã kiểm tra, trưởng thôn đã nộp đủ tiền về xã.")
    await chats.tap(CHAIRMAN, "Gửi kết quả")
    await chats.app.bot_data.deliverer.deliver_due()
    work = str((await chats.say(CHAIRMAN, "/viec"))[-1].params["text"])
    assert code in work
    assert "không để lại số điện thoại" not in work
    assert "bảo mật" in work
    assert f"/hoso {code}" in work
    assert "Xem danh tính" in work
    assert PHONE not in work
