"""The bot's getUpdates (handlers.telegram.quarantine) with the real Application: an unreadable
update is set aside and polled past, and a batch is never skipped when setting one aside fails."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services import Services
from handlers.wiring.application import build_application
from storage.rows import first
from tests.support.chat import Chats
from tests.support.clock import FakeTimer
from tests.support.missing_table import DATABASE_ERRORS, without_table
from tests.support.offline import OfflineRequest

CITIZEN = 6201


class Pending(OfflineRequest):
    """getUpdates as on Telegram: the updates given, from the offset asked for on."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list[dict[str, Any]] = []

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getUpdates":
            offset = int(params.get("offset") or 0)
            return [u for u in self.updates if u["update_id"] >= offset]
        return super()._result(name, params)


def offsets(polls: Pending) -> list[int]:
    return [int(call.params.get("offset") or 0) for call in polls.calls]


async def kept(services: Services, update_id: int) -> bool:
    row = await first(
        services.db.reader, "SELECT 1 FROM quarantined_updates WHERE update_id = ?", (update_id,)
    )
    return row is not None


async def test_a_batch_is_polled_again_when_setting_aside_fails(services: Services) -> None:
    request, polls = OfflineRequest(), Pending()
    app = build_application(services, request=request, get_updates_request=polls, timer=FakeTimer())
    chats = Chats(app, request)
    good = {"update_id": 90, **chats.text_update(CITIZEN, "/start")}
    message = chats.text_update(CITIZEN, "Đèn đường thôn Bắc hỏng.")["message"]
    bad = {"update_id": 91, "message": {**message, "date": "hôm qua"}}
    polls.updates = [good, bad]
    async with app:
        async with without_table(services.db, "quarantined_updates"):
            with pytest.raises(DATABASE_ERRORS):
                await app.bot.get_updates(offset=0)
        [update] = await app.bot.get_updates(offset=0)  # the same batch, nothing skipped
        assert update.update_id == good["update_id"]
        assert await kept(services, bad["update_id"])
        assert await app.bot.get_updates(offset=update.update_id + 1) == ()
    assert offsets(polls) == [0, 0, 92], "the last poll asks from past the unreadable update"
