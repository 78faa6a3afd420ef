"""A case's file sent to a Telegram chat: by a file id (this bot's upload, or the citizen's
own while nothing is kept yet) or as the kept bytes, each kind by its own method.

A voice note kept as Ogg goes as a voice note; any other sound (a music file a citizen sent as
audio) as audio, which Telegram shows with its player and name. A document keeps the name the
citizen's file had, so the officer saves it as what it is.
"""

from __future__ import annotations

from telegram import Bot, Message
from telegram.error import BadRequest

from bot.domain.files import Way
from bot.domain.tickets import DOCUMENT, VOICE
from bot.messages import AttachmentRef
from bot.services.case_files import CaseFiles, Sendable
from bot.texts import t

OGG = "audio/ogg"
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "application/pdf": "pdf",
}


def upload_name(file: Sendable) -> str:
    """The name an upload carries: the document's own, else one made of its kind and type."""
    if file.file_name:
        return file.file_name
    extension = _EXTENSIONS.get(file.media_type or "", "bin")
    return f"{t(f'files.upload_name.{file.kind}')}.{extension}"


async def send_kept(bot: Bot, chat_id: int, file: Sendable, caption: str | None) -> Message:
    content: str | bytes | None = file.data if file.data is not None else file.file_id
    if content is None:
        raise ValueError("a file to send has neither bytes nor an id")
    name = upload_name(file)
    if file.kind == VOICE:
        if isinstance(content, bytes) and file.media_type not in (OGG, None):
            return await bot.send_audio(chat_id, content, caption=caption, filename=name)
        try:
            return await bot.send_voice(chat_id, content, caption=caption, filename=name)
        except BadRequest as error:
            # A music file's id is refused as a voice note's: it goes as the audio it is.
            if isinstance(content, bytes) or "type of file mismatch" not in error.message.lower():
                raise
            return await bot.send_audio(chat_id, content, caption=caption)
    if file.kind == DOCUMENT:
        return await bot.send_document(chat_id, content, caption=caption, filename=name)
    return await bot.send_photo(chat_id, content, caption=caption, filename=name)


async def send_case_file(
    bot: Bot, chat_id: int, files: CaseFiles, ref: AttachmentRef, caption: str | None
) -> Way:
    """Send the case's file as the commune keeps it (bot.services.case_files): by this bot's id
    of it, else uploaded and its id remembered; until it is kept, by the citizen's Telegram file
    id. How it went: WAIT and MISSING sent nothing (a Zalo file not kept yet, none to send)."""
    file = await files.sendable(ref)
    if file is not None and file.way is Way.CACHED:
        try:
            await send_kept(bot, chat_id, file, caption)
            return Way.CACHED
        except BadRequest as error:
            if "wrong file identifier" not in error.message.lower():
                raise
        file = await files.refused(ref, file)
    if file is None:
        return Way.MISSING
    if file.way in (Way.WAIT, Way.MISSING):
        return file.way
    sent = await send_kept(bot, chat_id, file, caption)
    if file.way is Way.UPLOAD and (file_id := file_id_of(sent)) is not None:
        await files.uploaded(file, file_id)
    return file.way


def file_id_of(message: Message) -> str | None:
    """This bot's id of the file just sent (a photo's largest size)."""
    if message.photo:
        return message.photo[-1].file_id
    for sent in (message.voice, message.audio, message.document):
        if sent is not None:
            return sent.file_id
    return None


def bot_files_key(bot: Bot) -> str:
    """Whose upload ids these are: a file id works for the bot that got it, whose id leads its
    token; the rest of the token is a secret and is never stored."""
    return f"telegram:{bot.token.partition(':')[0]}"
