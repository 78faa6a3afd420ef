"""The latest question a citizen was shown, so that what they type answers it (#16).

A notice with typed choices (a result to rate, an officer's question), a looked-up case's rating
and the reception schedule are each "the latest question" until the citizen's next message: a
typed "2" or the words of a choice answer it, not the main menu or a half-written draft. The mark
lives in the citizen's conversation data, so it survives a restart with the rest of it.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, cast

from telegram import Message, Update
from telegram.ext import filters

from bot.dialogs.notices import (
    RATE_REF,
    REPLY_REF,
    answer_options,
    parse_case_ref,
    rating_options,
)
from bot.domain.choices import Option, match_nav, match_option
from bot.messages import Notice
from handlers.telegram.context import App, Context
from handlers.telegram.persistence import SqlitePersistence

NOTE = "note"  # an answer, addition or comment being written (handlers.citizen.citizen_case)
LATEST = "latest_question"
_LOGGER = logging.getLogger(__name__)


def typed_choices(ref: str) -> tuple[Option, ...]:
    """The choices of a citizen's notice or look-up that typing may answer, by the ref of their
    buttons: the rating, and "✍️ Trả lời" under an officer's question."""
    if parse_case_ref(ref, RATE_REF) is not None:
        return rating_options()
    if parse_case_ref(ref, REPLY_REF) is not None:
        return answer_options()
    return ()


def asked(context: Context, ref: str, buttons: tuple[tuple[str, str], ...] = ()) -> None:
    """A question with typed choices was just asked in this chat (a look-up of a resolved
    case, the reception schedule with its `buttons` as (label, data)): until the citizen's
    next message, a typed "2" or its words answer it."""
    if context.user_data is not None:
        latest: dict[str, object] = {"ref": ref, "fresh": True}
        if buttons:
            latest["buttons"] = [list(button) for button in buttons]
        context.user_data[LATEST] = latest


def question_open(context: Context) -> bool:
    """A draft or a note is under way: a question asked in between is not the latest one,
    since theirs is asked again after it (handlers.menu.ask_open_question)."""
    return context.draft_open() or bool((context.user_data or {}).get(NOTE))


def typed_button(data: object, ref: str, text: str) -> str | None:
    """The data of the button of the latest question `ref` that a typed number or its words
    pick, from a chat's user data; None when it is not that question or picks none."""
    latest = data.get(LATEST) if isinstance(data, dict) else None
    if not isinstance(latest, dict) or latest.get("ref") != ref:
        return None
    shown = [b for b in latest.get("buttons") or () if isinstance(b, list) and len(b) == 2]
    options = tuple(Option(str(n), str(label)) for n, (label, _) in enumerate(shown))
    option = match_option(text, options)
    return str(shown[int(option.key)][1]) if option else None


def _shown(notice: Notice, data: dict[Any, Any]) -> bool:
    """The notice's mark on a person's data: one with typed choices (a result to rate, an
    officer's question) is the latest question until their next message; a notice with other
    choices replaces it. Whether it changed anything."""
    if notice.options and typed_choices(notice.ref):
        data[LATEST] = {"ref": notice.ref, "fresh": False}
        return True
    if notice.options and LATEST in data:
        del data[LATEST]
        return True
    return False  # officers' cards, announcements: no conversation data to touch


async def notice_shown(app: App, chat_id: int, notice: Notice) -> None:
    """A notice was delivered to `chat_id`. On a shared database the mark goes straight to the
    stored row, since the person's next update may be handled by another process."""
    if not notice.options:
        return
    if not app.bot_data.services.db.shared:
        if _shown(notice, app.user_data[chat_id]):
            app.mark_data_for_update_persistence(user_ids=[chat_id])
        return
    persistence = cast(SqlitePersistence, app.persistence)
    try:
        await persistence.amend_user_data(chat_id, functools.partial(_shown, notice))
    except Exception:
        # The notice is out: failing here would have the outbox send it again. Without the
        # mark, a typed answer gets the menu's answer and the buttons still work.
        _LOGGER.exception("the question of a notice to %s not marked", chat_id)


async def forget_latest_question(update: Update, context: Context) -> None:
    """After each update: the notice's question stops being the latest once the citizen did
    anything else (their next message got its own answer), unless this update asked it."""
    latest = (context.user_data or {}).get(LATEST)
    if context.user_data is None or not isinstance(latest, dict):
        return
    if latest.get("fresh"):
        context.user_data[LATEST] = {**latest, "fresh": False}
    else:
        context.user_data.pop(LATEST, None)


def latest_ref(data: object) -> str:
    latest = data.get(LATEST) if isinstance(data, dict) else None
    ref = latest.get("ref") if isinstance(latest, dict) else None
    return ref if isinstance(ref, str) else ""


class TypedAnswer(filters.MessageFilter):
    """Text typed by a citizen whose conversation data says which question it answers; each
    kind of question says, in `answers`, what typed text it takes."""

    def __init__(self, app: App, name: str) -> None:
        super().__init__(name=name)
        self._app = app

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or not message.text or user.id not in self._app.user_data:
            return False
        return self.answers(self._app.user_data[user.id], message.text)

    def answers(self, data: dict[Any, Any], text: str) -> bool:
        raise NotImplementedError


class TypedChoice(TypedAnswer):
    """A typed number or words picking a choice of the latest question ("2", "chua hai long",
    "tra loi"), or any answer typed under an officer's question; the main menu or a
    half-written draft would otherwise take it."""

    def __init__(self, app: App) -> None:
        super().__init__(app, "TypedChoice")

    def answers(self, data: dict[Any, Any], text: str) -> bool:
        ref = latest_ref(data)
        choices = typed_choices(ref)
        if not choices:
            return False
        if match_option(text, choices) is not None:
            return True
        # Anything else typed is the answer to an officer's question ("2" for "trái (1) hay
        # phải (2)?"), or not understood as a rating, unless the rating's comment is being
        # written; a way out ("hủy") goes where it always goes.
        rating = parse_case_ref(ref, RATE_REF) is not None
        return match_nav(text) is None and not (rating and data.get(NOTE))


class FilesForQuestion(filters.MessageFilter):
    """A photo, voice note or document from a citizen whose latest question is an officer's
    ("✍️ Trả lời" under it): the files the officer asked for, sent without pressing first."""

    def __init__(self, app: App) -> None:
        super().__init__(name="FilesForQuestion")
        self._app = app

    def filter(self, message: Message) -> bool:
        user = message.from_user
        has_file = bool(message.photo or message.voice or message.audio or message.document)
        if user is None or not has_file or user.id not in self._app.user_data:
            return False
        return parse_case_ref(latest_ref(self._app.user_data[user.id]), REPLY_REF) is not None
