"""Between Telegram and the channel-neutral dialogs: prompts out, updates in as events."""

from __future__ import annotations

import asyncio
import contextlib
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit
from telegram.error import BadRequest

from bot.domain.chats import is_local_id
from bot.domain.choices import Nav, Option, match_option
from bot.domain.limits import over_length
from bot.messages import (
    Choice,
    ContactSent,
    DocumentSent,
    Event,
    LocationSent,
    PhotoSent,
    Prompt,
    Request,
    Text,
    Unsupported,
    VoiceSent,
    chunks,
)
from bot.texts import t
from handlers.telegram.last_message import last_messages

SEPARATOR = "|"
_NUMBER = re.compile(r"^\d+\.\s+")
# An animation (a GIF) also carries a document: it is checked first, and refused.
_UNSUPPORTED = ("sticker", "animation", "video", "video_note")


def button_data(ref: str, key: str) -> str:
    data = f"{ref}{SEPARATOR}{key}"
    if len(data.encode()) > InlineKeyboardButtonLimit.MAX_CALLBACK_DATA:
        raise ValueError(f"button data too long: {data!r}")
    return data


def parse_button(data: str | None) -> Choice | None:
    """A pressed button's question and option, or None for data this bot never made."""
    too_long = len((data or "").encode()) > InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    if not data or too_long or data.count(SEPARATOR) != 1:
        return None
    ref, key = data.split(SEPARATOR)
    return Choice(ref, key) if ref and key else None


def inline_keyboard(prompt: Prompt) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(f"{n}. {o.label}", callback_data=button_data(prompt.ref, o.key))]
        for n, o in enumerate(prompt.options, start=1)
    ]
    nav = [
        InlineKeyboardButton(t(f"nav.{item.value}"), callback_data=button_data(prompt.ref, item))
        for item, shown in ((Nav.BACK, prompt.back), (Nav.CANCEL, prompt.cancel))
        if shown
    ]
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows) if rows else None


def _reply_keyboard(prompt: Prompt) -> ReplyKeyboardMarkup:
    """Telegram lets a phone share its location or number only from a reply keyboard.

    Its own button cannot be typed, so it has no number; the choices under it are numbered
    from 1, as on every other step, and a pressed one sends its label with the number."""
    request = KeyboardButton(
        t(f"request.{prompt.request}"),
        request_location=prompt.request is Request.LOCATION,
        request_contact=prompt.request is Request.CONTACT,
    )
    numbered = (KeyboardButton(f"{n}. {o.label}") for n, o in enumerate(prompt.options, start=1))
    rows = [[request], *([button] for button in numbered)]
    rows.append([KeyboardButton(t(f"nav.{n.value}")) for n in (Nav.BACK, Nav.CANCEL)])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=False)


async def send_prompt(
    message: Message, prompt: Prompt, *, notice: str | None = None, had_keyboard: bool = False
) -> None:
    """Send the notice (if any) and the question, removing a reply keyboard that is done.

    Only a message can take a reply keyboard away, so the notice carries it: leaving a step
    that had one, the dialog always says what was recorded."""
    removing = had_keyboard and prompt.request is None
    if removing and not notice:
        raise ValueError("a reply keyboard is taken away only with a notice that says something")
    if notice:
        await message.reply_text(notice, reply_markup=ReplyKeyboardRemove() if removing else None)
    markup = _reply_keyboard(prompt) if prompt.request else inline_keyboard(prompt)
    *head, last = chunks(prompt.text, MessageLimit.MAX_TEXT_LENGTH)
    for part in head:
        await message.reply_text(part)
    await message.reply_text(last, reply_markup=markup)


async def send_text(message: Message, text: str, *, had_keyboard: bool = False) -> None:
    markup = ReplyKeyboardRemove() if had_keyboard else None
    for part in chunks(text, MessageLimit.MAX_TEXT_LENGTH):
        await message.reply_text(part, reply_markup=markup)
        markup = None


async def retire_buttons(update: Update) -> None:
    """Take the buttons off a message once one was pressed, so it cannot be pressed again."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    with contextlib.suppress(BadRequest):
        await query.message.edit_reply_markup(reply_markup=None)


async def show_next(
    update: Update,
    message: Message,
    prompt: Prompt,
    *,
    notice: str | None = None,
    had_keyboard: bool = False,
) -> None:
    """Answer a press and ask the next question with one call to the chat where possible.

    Telegram lets a bot make about 30 calls a second to chats; a press that retires its buttons
    and sends the next question spends two, so a crowd of citizens tapping at once waits twice
    as long. While the pressed message is the chat's last one, it becomes the next step
    instead: its question, the answer chosen, and the next question with its buttons, so what
    was answered stays readable and the latest question stays last. The press's own answer
    (not counted against those 30) goes at the same time. Anything else — no press, a notice
    to say first, a keyboard of the phone's own, a Zalo chat (no edits), a message that is no
    longer last or would grow too long — is done as before: buttons off, the question below.
    """
    query = update.callback_query
    if query is None:
        await send_prompt(message, prompt, notice=notice, had_keyboard=had_keyboard)
        return
    text = None if notice or had_keyboard else _with_answer(update, message, prompt)
    if text is not None:
        try:
            await asyncio.gather(
                query.answer(), message.edit_text(text, reply_markup=inline_keyboard(prompt))
            )
        except BadRequest:  # deleted meanwhile, or too old to edit: a new message, then
            await send_prompt(message, prompt)
        return
    await query.answer()
    await retire_buttons(update)
    await send_prompt(message, prompt, notice=notice, had_keyboard=had_keyboard)


def _with_answer(update: Update, message: Message, prompt: Prompt) -> str | None:
    """The pressed message's text, the answer and the next question, if it may be edited so."""
    query = update.callback_query
    record = last_messages(message.get_bot())
    chat = message.chat_id
    if query is None or record is None or prompt.request is not None or is_local_id(chat):
        return None
    if not message.text or not record.is_last(chat, message.message_id):
        return None
    label = _pressed_label(message, query.data)
    if label is None:
        return None
    text = f"{message.text}\n\n{t('render.answered', answer=label)}\n\n{prompt.text}"
    return text if len(text) <= MessageLimit.MAX_TEXT_LENGTH else None


def _pressed_label(message: Message, data: str | None) -> str | None:
    """The label of the button pressed, without the number it is shown with."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    found = next((b.text for row in rows for b in row if b.callback_data == data), None)
    return _NUMBER.sub("", found, count=1) if found else None


def event_of(update: Update) -> Event | None:
    """What the person did, in the dialogs' terms; None for a button this bot never made."""
    if update.callback_query is not None:
        return parse_button(update.callback_query.data)
    message = update.effective_message
    if message is None:
        return Unsupported("other")
    if message.text is not None:
        return Text(message.text)
    if message.photo:
        largest = message.photo[-1]
        return PhotoSent(largest.file_id, largest.file_unique_id, message.caption)
    media = _media(message)
    if media is not None:
        return media
    if message.location is not None:
        return LocationSent(message.location.latitude, message.location.longitude)
    if message.contact is not None:
        sender = message.from_user.id if message.from_user else None
        return ContactSent(message.contact.phone_number, message.contact.user_id == sender)
    for kind in _UNSUPPORTED:
        if getattr(message, kind, None):
            return Unsupported("video" if kind in ("video_note", "animation") else kind)
    return Unsupported("other")


def _media(message: Message) -> VoiceSent | DocumentSent | None:
    """A voice note, an audio file or a document, with what Telegram said of it."""
    if message.animation is not None:
        return None
    sound = message.voice or message.audio
    if sound is not None:
        return VoiceSent(
            sound.file_id,
            sound.file_unique_id,
            _seconds(sound.to_dict().get("duration")),
            sound.file_size,
            sound.mime_type,
            message.caption,
        )
    document = message.document
    if document is not None:
        return DocumentSent(
            document.file_id,
            document.file_unique_id,
            document.file_name,
            document.mime_type,
            document.file_size,
            message.caption,
        )
    return None


def _seconds(duration: object) -> int:
    """A length as Telegram sent it, read from the serialised form: PTB's `duration` property
    warns of its coming change to a timedelta unless PTB_TIMEDELTA is set."""
    return int(duration) if isinstance(duration, int | float) else 0


def chosen(event: Event | None, options: tuple[Option, ...]) -> Option | None:
    """The option a pressed button or a typed answer picks, if any."""
    if isinstance(event, Choice):
        return next((o for o in options if o.key == event.key), None)
    if isinstance(event, Text):
        return match_option(event.text, options)
    return None


def is_command(update: Update, name: str) -> bool:
    """Whether the message is the command `/name`, with or without @botname or arguments."""
    text = update.message.text if update.message else None
    if not text or not text.startswith("/"):
        return False
    return text.split(maxsplit=1)[0][1:].split("@")[0].lower() == name


async def refuse_long(message: Message, text: str, limit: int, *, staff: bool = False) -> bool:
    """Say the limit when `text` is over it, so the writer can shorten what they typed (it is
    still in their chat); the caller then stays at the same step, losing nothing."""
    length = over_length(text, limit)
    if length is None:
        return False
    key = "limits.too_long_staff" if staff else "limits.too_long"
    await message.reply_text(t(key, length=length, max=limit))
    return True


def reply_target(update: Update) -> Message | None:
    """The message to answer: the text sent, or the message whose button was pressed."""
    query = update.callback_query
    if query is not None:
        return query.message if isinstance(query.message, Message) else None
    return update.effective_message
