"""Publication (công khai): leaders and admins announce, citizens who opted in receive it.

An announcement is stored, recorded in the audit trail and queued for every subscriber in one
transaction, so it is never half sent: either everyone who had opted in at that moment gets
a row in the outbox, or nobody does. The rows are bulk rows (they wait behind every other due
message) keyed by announcement and person, so publishing again sends nothing twice.

Progress is read from those outbox rows, never counted in memory, so a restart picks up where
it was; what the author's progress message shows is stored with the announcement, so it is
edited only when the figures changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.config import Config
from bot.dialogs.announcements import day, header, progress_text
from bot.dialogs.summary import shorten
from bot.domain.people import Officer, Person, Role
from bot.domain.reminders import quiet_until
from bot.messages import Notice
from bot.services.errors import CaseworkError
from bot.services.notes import clean_note
from bot.services.outbox import notify
from storage import announcements, events, outbox, people
from storage.announcements import Announcement
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
PUBLISHED = "announcement_published"
AUDIT_EXCERPT = 120


@dataclass(frozen=True, slots=True)
class Content:
    """What the author wrote: a text, and at most one photo or one document (file ids)."""

    text: str
    photo: str | None = None
    document: str | None = None


@dataclass(frozen=True, slots=True)
class ProgressMessage:
    """Where the author watches the delivery, and what it shows when the announcement is made."""

    chat: str
    message_id: int
    text: str


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress message to bring up to date: edit it to `text` when `changed`; `done` when
    nothing remains to be sent."""

    announcement_id: int
    chat: str
    message_id: int
    text: str
    changed: bool
    done: bool


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Announcement]
    page: int
    pages: int


def may_publish(officer: Officer | None) -> bool:
    return officer is not None and (officer.has(Role.LEADER) or officer.has(Role.ADMIN))


def _key_prefix(announcement_id: int) -> str:
    return f"announcement:{announcement_id}:"


def notice_of(announcement: Announcement, config: Config) -> Notice:
    """The announcement as every recipient receives it, and as the list opens it again."""
    return preview(
        Content(announcement.text, announcement.photo, announcement.document),
        config,
        announcement.published_at,
    )


def preview(content: Content, config: Config, when: datetime) -> Notice:
    """What recipients will receive, headed with the commune and the day of publication."""
    top = header(config.commune.name, when, config.commune.zone)
    return Notice(
        text=f"{top}\n\n{content.text.strip()}", photo=content.photo, document=content.document
    )


def held_until(clock: Clock, config: Config) -> str | None:
    """When messages sent now would start going, if now is within the quiet hours."""
    settings = config.reminders
    zone = config.commune.zone
    held = quiet_until(clock.now(), settings.quiet_start, settings.quiet_end, zone)
    if held is None:
        return None
    return f"{held.astimezone(zone).strftime('%H:%M')} {day(held, zone)}"


async def subscriber_count(db: Database) -> int:
    return await announcements.subscriber_count(db.reader)


async def is_subscribed(db: Database, person: Person) -> bool:
    return await announcements.is_subscribed(db.reader, person.id)


async def switch(db: Database, clock: Clock, person: Person, on: bool) -> bool:
    """Opt in to announcements or out of them; False when it was so already."""
    async with db.transaction() as conn:
        return await announcements.subscribe(conn, person.id, on, clock.now())


async def published(db: Database, page: int, page_size: int) -> Page:
    """A page of what the commune published, latest first; past the end, the last page."""
    total = await announcements.count(db.reader)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    found = await announcements.latest(db.reader, page_size, (page - 1) * page_size)
    return Page(found, page, pages)


async def find(db: Database, announcement_id: int) -> Announcement | None:
    return await announcements.get(db.reader, announcement_id)


async def already_published(db: Database, draft_id: str) -> Announcement | None:
    return await announcements.by_draft(db.reader, draft_id)


async def publish(
    db: Database,
    clock: Clock,
    config: Config,
    officer: Officer,
    draft_id: str,
    content: Content,
    progress: ProgressMessage,
) -> Announcement:
    """Store the announcement and queue it for every subscriber, all in one transaction.

    A draft published already (a "Gửi" pressed again, an update delivered twice) is returned
    as it was, and nothing more is queued.
    """
    if not may_publish(officer):
        raise CaseworkError("announce.not_allowed")
    text = clean_note(content.text, config.intake.content_max)
    now = clock.now()
    settings = config.reminders
    hold = quiet_until(now, settings.quiet_start, settings.quiet_end, config.commune.zone)
    async with db.transaction() as conn:
        recipients = await announcements.subscribers(conn)
        stored = await announcements.add(
            conn,
            draft_id=draft_id,
            author_id=officer.person_id,
            text=text,
            photo=content.photo,
            document=content.document,
            now=now,
            recipients=len(recipients),
            progress_chat=progress.chat,
            progress_message=progress.message_id,
            progress_text=progress.text,
        )
        if stored is None:
            again = await announcements.by_draft(conn, draft_id)
            if again is None:
                raise LookupError(f"announcement of draft {draft_id} is missing")
            return again
        payload = notice_of(stored, config).to_json()
        prefix = _key_prefix(stored.id)
        for person in recipients:
            await outbox.enqueue(
                conn,
                f"{prefix}{person.person_id}",
                channel=person.channel,
                recipient=person.external_id,
                payload=payload,
                now=now,
                not_before=hold,
                bulk=True,
            )
        note = (
            f"#{stored.id} to {len(recipients)}: {shorten(' '.join(text.split()), AUDIT_EXCERPT)}"
        )
        await events.add_staff(
            conn, at=now, actor_id=officer.person_id, action=PUBLISHED, note=note
        )
    _LOGGER.info(
        "announcement %s by %s queued for %s", stored.id, officer.person_id, len(recipients)
    )
    return stored


async def progress_due(db: Database) -> list[Progress]:
    """The progress messages whose figures changed since they were last shown, and those of
    announcements that have just finished."""
    due = []
    for item in await announcements.unfinished(db.reader):
        tally = await outbox.tally(db.reader, _key_prefix(item.id))
        text = progress_text(item.id, tally.total, tally.sent, tally.failed)
        changed = text != item.progress_text
        done = tally.remaining == 0
        if changed or done:
            due.append(
                Progress(item.id, item.progress_chat, item.progress_message, text, changed, done)
            )
    return due


async def progress_shown(db: Database, clock: Clock, progress: Progress) -> None:
    """The progress message now shows `progress.text`. Once nothing remains, the announcement
    is finished and its author also gets the final count as a new message, which (unlike an
    edit) their phone announces."""
    now = clock.now()
    async with db.transaction() as conn:
        await announcements.record_progress(
            conn, progress.announcement_id, progress.text, now if progress.done else None
        )
        if not progress.done:
            return
        item = await announcements.get(conn, progress.announcement_id)
        author = await people.get(conn, item.author_id) if item else None
        if author is not None:
            key = f"announcement-done:{progress.announcement_id}"
            await notify(conn, author, Notice(progress.text), key, clock)
