"""One person flooding the bot does not stop anyone else from being served, nor spoil their own
draft: a thousand messages from one citizen in about four minutes, interleaved with other
citizens filing cases."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from bot.config import Config
from bot.domain.draft import Draft
from bot.texts import t
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats
from tests.support.clock import FixedClock
from tests.support.drafts import opened

FLOODER = 7701
OTHERS = (7711, 7712, 7713, 7714, 7715)
ECONOMY = 100000003
FLOOD = 1000
STEP = timedelta(seconds=0.25)  # between two of the flooder's messages: four a second
NOISE = ("alo", "alo alo alo alo", "???", "0", "gửi đi", "🚧" * 30, "Đường ngập " * 50, "/guidon")


def filing(user: int, n: int) -> list[tuple[str, str]]:
    """Every step of one citizen's case, by buttons and typing: ("tap" or "say", what)."""
    return [
        ("say", "/start"),
        ("tap", "Đồng ý"),
        ("tap", "Gửi phản ánh"),
        ("tap", "Phản ánh"),
        ("tap", "Môi trường"),
        ("say", f"Công dân {user}: rác đổ trộm ở đầu ngõ {n}, thôn Đông, đã nhiều ngày."),
        ("tap", "Không có ảnh"),
        ("say", "bỏ qua"),
        ("tap", "Không cần"),
        ("tap", "Gửi"),
    ]


async def flooder_draft(config: Config) -> dict[str, object]:
    [(data,)] = await rows(config, f"SELECT data FROM conversation_data WHERE user_id = {FLOODER}")
    draft: dict[str, object] = json.loads(opened(config, data))["draft"]
    return draft


async def test_a_flood_from_one_citizen_leaves_the_others_served(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    await agree(chats, FLOODER)
    await chats.say(FLOODER, "/guidon")
    await chats.tap(FLOODER, "Kiến nghị")
    await chats.tap(FLOODER, "Giao thông")
    before = await flooder_draft(config)

    noise = random.Random(6)
    plans = {user: filing(user, n) for n, user in enumerate(OTHERS, start=1)}
    steps = sum(len(plan) for plan in plans.values())
    for sent in range(FLOOD):
        clock.advance(STEP)
        if noise.random() < 0.8:
            await chats.say(FLOODER, noise.choice(NOISE))
        else:
            await chats.sticker(FLOODER)
        if sent % (FLOOD // steps) == 0:
            user = next((u for u in OTHERS if plans[u]), None)
            if user is not None:
                verb, what = plans[user].pop(0)
                await (chats.tap(user, what) if verb == "tap" else chats.say(user, what))
    assert not any(plans.values()), "every citizen's steps were played during the flood"

    for n, user in enumerate(OTHERS, start=1):
        assert "Đã gửi đơn thành công" in chats.last_text(user), user
        [(code, content)] = await rows(
            config,
            "SELECT t.code, t.content FROM tickets t JOIN people p ON p.id = t.citizen_id "
            f"WHERE p.external_id = '{user}'",
        )
        assert f"ngõ {n}" in str(content)
        assert any(f"Hồ sơ mới {code}" in str(c.params["text"]) for c in chats.sent(ECONOMY))
    # The flood was held back: the flooder was told so, once in each minute at most.
    notice = t("limits.too_fast", limit=config.limits.messages_per_minute)
    told = [c for c in chats.sent(FLOODER) if c.params["text"] == notice]
    minutes = FLOOD * STEP.total_seconds() / 60
    assert 1 <= len(told) <= minutes + 1
    # The flooder's draft is whole: the same draft, its answers kept, still a valid draft.
    after = await flooder_draft(config)
    Draft.model_validate(after)
    assert after["draft_id"] == before["draft_id"]
    assert (after["kind"], after["category_id"]) == ("petition", "giao-thong")
