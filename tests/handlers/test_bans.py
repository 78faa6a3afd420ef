"""Bans through the real Application: an admin bans with a reason, the person is told once and
then ignored, across a restart, until the ban is lifted; officers cannot be banned."""

from __future__ import annotations

from bot.config import Config
from bot.services import Services
from bot.texts import t
from handlers.wiring.application import build_application
from storage.backends import open_database
from tests.handlers.test_citizen_flow import agree, file_feedback, rows
from tests.handlers.test_sealed_identity import ADDRESS, DENOUNCER, NAME, PHONE, denounce
from tests.support.chat import Chats
from tests.support.clock import FixedClock
from tests.support.drafts import opened
from tests.support.offline import Call, OfflineRequest

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
    db = await open_database(config.storage.path, config.storage.url)
    request = OfflineRequest()
    app = build_application(Services(config=config, db=db, clock=clock), request=request)
    try:
        async with app:
            again = Chats(app, request)
            assert await again.say(ABUSER, "/tracuu") == []
            listed = await again.say(CHAIRMAN, "/chan")
            line = t(
                "bans.list_line",
                id=ABUSER,
                channel="Telegram",
                case="",
                day="28/11/2026",
                reason=REASON,
            )
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


def said(sent: list[Call]) -> list[str]:
    return [str(call.params["text"]) for call in sent]


async def test_a_citizen_is_banned_by_the_code_of_a_case_they_filed(
    chats: Chats, config: Config
) -> None:
    await agree(chats, ABUSER)
    code = await file_feedback(chats, ABUSER, "Bãi rác tự phát ở bờ kênh thôn Đông bốc mùi.")
    typed = code.lower()
    done = await chats.say(CHAIRMAN, f"/chan {typed} {REASON}")
    expected = t("bans.done_case", code=code, channel="Telegram", reason=REASON)
    assert said(done)[-1] == expected
    assert await rows(config, "SELECT channel, external_id FROM bans") == [
        ("telegram", str(ABUSER))
    ]
    assert said(await chats.say(ABUSER, "alo")) == [notice(config)]
    assert await chats.say(ABUSER, "/tracuu") == []
    listed = said(await chats.say(CHAIRMAN, "/chan"))[-1]
    assert f"• {ABUSER} · Telegram · hồ sơ {code} · từ 28/11/2026 · {REASON}" in listed
    lifted = await chats.say(CHAIRMAN, f"/chan bo {code}")
    assert said(lifted)[-1] == t("bans.lifted_case", code=code, channel="Telegram")
    again = await chats.say(CHAIRMAN, f"/chan bo {code}")
    assert said(again)[-1] == t("bans.not_banned_case", code=code, channel="Telegram")
    assert await chats.say(ABUSER, "/tracuu")
    unknown = await chats.say(CHAIRMAN, f"/chan SN-2026-99999 {REASON}")
    assert said(unknown)[-1] == t("bans.no_case")
    audit = await rows(config, "SELECT action, note FROM admin_events ORDER BY id")
    assert audit == [("banned", f"{ABUSER}: {REASON}"), ("unbanned", str(ABUSER))]


async def test_a_sealed_denouncer_is_banned_through_their_case_without_being_named(
    chats: Chats, config: Config
) -> None:
    code = await denounce(chats)
    done = said(await chats.say(CHAIRMAN, f"/chan {code} {REASON}"))[-1]
    sealed = t("bans.channel.sealed")
    assert done == t("bans.done_case", code=code, channel=sealed, reason=REASON)
    [(channel, pseudonym)] = await rows(config, "SELECT channel, external_id FROM bans")
    assert channel == "sealed"
    assert pseudonym != str(DENOUNCER)
    # The denouncer's own account is kept out: told once, then nothing is answered.
    assert said(await chats.say(DENOUNCER, "alo")) == [notice(config)]
    assert await chats.say(DENOUNCER, "/tracuu") == []
    assert await chats.press(DENOUNCER, "in.category|moi-truong") == []
    assert await chats.say(NEIGHBOUR, "/start")
    listed = said(await chats.say(CHAIRMAN, "/chan"))[-1]
    assert f"• {code} · {sealed} · từ 28/11/2026 · {REASON}" in listed
    for secret in (str(DENOUNCER), NAME, PHONE, ADDRESS):
        assert secret not in done
        assert secret not in listed
    audit = await rows(config, "SELECT note FROM admin_events")
    assert all(str(DENOUNCER) not in str(note) for (note,) in audit)
    lifted = said(await chats.say(CHAIRMAN, f"/chan bo {code}"))[-1]
    assert lifted == t("bans.lifted_case", code=code, channel=sealed)
    assert await chats.say(DENOUNCER, "/tracuu")


async def test_lifting_takes_the_word_with_or_without_diacritics(chats: Chats) -> None:
    await agree(chats, ABUSER)
    for typed in ("bỏ", "Bỏ", "BO"):
        await chats.say(CHAIRMAN, f"/chan {ABUSER} {REASON}")
        lifted = await chats.say(CHAIRMAN, f"/chan {typed} {ABUSER}")
        assert str(lifted[-1].params["text"]) == t("bans.lifted", id=ABUSER)
