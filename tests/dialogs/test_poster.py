"""What a poster says: a Telegram link that opens the form, Zalo's code only when Zalo can be
reached by one, and the reception sessions of the coming weeks as /lich words them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.config import Config, load_config, reception_rules, work_calendar
from bot.dialogs.menu import LinkTarget, StartLink, read_start_link
from bot.dialogs.poster import NoUsernameError, poster, start_link, zalo_without_link
from bot.dialogs.schedule import describe
from bot.domain.reception import sessions_between
from bot.texts import t
from tests.support.config_files import ENV, write

USERNAME = ('username = ""', 'username = "@SonNinhBot"')
ZALO_ON = ("enabled = false", 'enabled = true\ntoken = "2841234567890:zalo-bot-token"')
ZALO_LINK = "https://zalo.me/2841234567890"
WITH_LINK = ('# link = "https://zalo.me/dia-chi-bot-cua-xa"', f'link = "{ZALO_LINK}"')
TELEGRAM_LINK = "https://t.me/SonNinhBot?start=guidon"
# A Tuesday; Thursday 30/04/2026 is Reunification Day, so that week's session moves.
TODAY = date(2026, 4, 28)


def config_with(tmp_path: Path, *edits: tuple[str, str]) -> Config:
    return load_config(write(tmp_path, *edits), environ=ENV)


def test_the_telegram_code_opens_the_new_case_form(tmp_path: Path) -> None:
    made = poster(config_with(tmp_path, USERNAME), TODAY)
    assert [code.link for code in made.codes] == [TELEGRAM_LINK]
    payload = parse_qs(urlsplit(made.codes[0].link).query)["start"][0]
    assert read_start_link(payload) == StartLink(LinkTarget.NEW_CASE)
    assert start_link("SonNinhBot", LinkTarget.SCHEDULE) == "https://t.me/SonNinhBot?start=lich"


def test_without_the_bots_username_there_is_no_poster(tmp_path: Path) -> None:
    with pytest.raises(NoUsernameError):
        poster(config_with(tmp_path), TODAY)


@pytest.mark.parametrize(
    ("edits", "links", "warned"),
    [
        ((), [TELEGRAM_LINK], False),
        ((WITH_LINK,), [TELEGRAM_LINK], False),
        ((ZALO_ON,), [TELEGRAM_LINK], True),
        ((ZALO_ON, WITH_LINK), [TELEGRAM_LINK, ZALO_LINK], False),
    ],
    ids=["zalo off", "off with a link", "on without a link", "on with a link"],
)
def test_zalo_has_a_code_when_it_is_on_and_its_link_is_known(
    tmp_path: Path, edits: tuple[tuple[str, str], ...], links: list[str], warned: bool
) -> None:
    config = config_with(tmp_path, USERNAME, *edits)
    made = poster(config, TODAY)
    assert [code.link for code in made.codes] == links
    assert [code.label for code in made.codes] == [t("poster.telegram"), t("poster.zalo")][
        : len(links)
    ]
    assert zalo_without_link(config) is warned


def test_the_schedule_is_the_coming_four_weeks_as_lich_says_it(tmp_path: Path) -> None:
    config = config_with(tmp_path, USERNAME)
    made = poster(config, TODAY)
    weekly = [rule for rule in reception_rules(config) if rule.id == "chu-tich"]
    sessions = sessions_between(weekly, TODAY, date(2026, 5, 25), work_calendar(config))
    assert [s.day for s in sessions] == [
        date(2026, 5, 4),  # 30/04 and 01/05 are days off: Thursday's session is on Monday
        date(2026, 5, 7),
        date(2026, 5, 14),
        date(2026, 5, 21),
    ]
    daily = t(
        "poster.workdays",
        start="14:00",
        end="16:30",
        title="Tiếp công dân thường xuyên",
        place="Phòng tiếp công dân, UBND xã",
    )
    assert made.schedule == (*(describe(s) for s in sessions), daily)
    assert "(dời từ 30/04/2026 vì ngày nghỉ)" in made.schedule[0]
    assert made.schedule_title == t("poster.schedule", first="28/04/2026", last="25/05/2026")


def test_every_sentence_comes_from_the_catalog(tmp_path: Path) -> None:
    made = poster(config_with(tmp_path, USERNAME), TODAY)
    assert made.commune == "UBND xã Sơn Ninh"
    assert (made.title, made.lead, made.how) == (
        t("poster.title"),
        t("poster.lead"),
        t("poster.how"),
    )
    assert made.steps == (t("poster.step_1"), t("poster.step_2"), t("poster.step_3"))
    assert made.contact == t("poster.contact", contact="điện thoại 0239 3800 000, giờ hành chính")


def test_without_sessions_or_contact_those_parts_are_left_out(tmp_path: Path) -> None:
    config = config_with(tmp_path, USERNAME)
    bare = config.model_copy(
        update={
            "reception": [],
            "commune": config.commune.model_copy(update={"office_contact": ""}),
        }
    )
    made = poster(bare, TODAY)
    assert (made.schedule, made.schedule_title, made.contact) == ((), "", "")
