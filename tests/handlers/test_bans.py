"""Bans through the real Application: an admin bans with a reason, the person is told once and
then ignored, across a restart, until the ban is lifted; officers cannot be banned."""

from __future__ import annotations

from bot.app import build_application
from bot.config import Config
from bot.services import Services
from bot.texts import t
from storage.database import Database
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats
from tests.support.clock import FixedClock
from tests.support.drafts import opened
from tests.support.offline import OfflineRequest

ABUSER = 7501
NEIGHBOUR = 7502
CHAIRMAN = 100000001  # leader, admin
ECONOMY = 100000003
REASON = "Gửi tin nhắn quấy rối nhiều lần"


def notice(config: Config) -> str:
    office = config.commune.office_contact or config.commune.name
    return t("bans.notice", reason=REASON, office=office)


async def stored_draft(config: Config) -> str:
    [(data,)] = await rows(config, f"SELECT data FROM conversation_data WHERE user_id = {ABUSER}")
    return opened(config, data)


async def test_a_banned_person_is_told_once_then_ignored_across_a_restart(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    await agree(chats, ABUSER)
    await chats.say(ABUSER, "/guidon")
    await chats.tap(ABUSER, "Phản ánh")
    draft_before = await stored_draft(config)
    done = await chats.say(CHAIRMAN, f"/chan {ABUSER} {REASON}")
    assert str(done[-1].params["text"]) == t("bans.done", id=ABUSER, reason=REASON)

    told = await chats.say(ABUSER, "alo alo")
    assert [str(c.params["text"]) for c in told] == [notice(config)]
    assert await chats.say(ABUSER, "Môi trường") == []
    assert await chats.press(ABUSER, "in.category|moi-truong") == []
    assert await chats.say(ABUSER, "/start") == []
    served = await chats.say(NEIGHBOUR, "/start")
    assert served

    # A second process on the same file: the ban holds and the notice is not repeated.
    db = await Database.open(config.storage.path)
    request = OfflineRequest()
    app = build_application(Services(config=config, db=db, clock=clock), request=request)
    try:
        async with app:
            again = Chats(app, request)
            assert await again.say(ABUSER, "/tracuu") == []
            listed = await again.say(CHAIRMAN, "/chan")
            line = t("bans.list_line", id=ABUSER, day="28/11/2026", reason=REASON)
            assert line in str(listed[-1].params["text"])
            lifted = await again.say(CHAIRMAN, f"/chan bo {ABUSER}")
            assert str(lifted[-1].params["text"]) == t("bans.lifted", id=ABUSER)
            heard = await again.say(ABUSER, "/tracuu")
            assert heard
    finally:
        await db.close()

    draft_after = await stored_draft(config)
    assert draft_after == draft_before, "nothing the banned person sent was stored"
    audit = await rows(config, "SELECT actor_id, action, note FROM admin_events ORDER BY id")
    [chairman] = await rows(config, f"SELECT id FROM people WHERE external_id = '{CHAIRMAN}'")
    assert (chairman[0], "banned", f"{ABUSER}: {REASON}") in audit
    assert (chairman[0], "unbanned", str(ABUSER)) in audit


async def test_only_admins_ban_and_never_an_officer(chats: Chats, config: Config) -> None:
    await chats.say(CHAIRMAN, "/start")
    refused = await chats.say(CHAIRMAN, f"/chan {ECONOMY} lý do bất kỳ")
    assert str(refused[-1].params["text"]) == t("bans.officer")
    not_admin = await chats.say(ECONOMY, f"/chan {ABUSER} {REASON}")
    assert str(not_admin[-1].params["text"]) == t("admin.only_admins")
    citizen = await chats.say(ABUSER, f"/chan {NEIGHBOUR} {REASON}")
    assert t("bans.usage") not in str(citizen[-1].params["text"])
    for wrong in ("/chan ¹² lý do", f"/chan {ABUSER}", "/chan bo", "/chan bo abc"):
        usage = await chats.say(CHAIRMAN, wrong)
        assert str(usage[-1].params["text"]) == t("bans.usage")
    listed = await chats.say(CHAIRMAN, "/chan")
    assert t("bans.list_title", count=0) in str(listed[-1].params["text"])
    assert await rows(config, "SELECT count(*) FROM bans") == [(0,)]
    assert await rows(config, "SELECT count(*) FROM admin_events") == [(0,)]
