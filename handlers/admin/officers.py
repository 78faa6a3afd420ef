"""/id for anyone, so an admin can enter them; /canbo for admins to add or retire officers."""

from __future__ import annotations

from telegram import Update

from bot.dialogs.staff import sub_command
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.domain.people import Role
from bot.messages import parse_number
from bot.services.officers import (
    OfficerRecord,
    add_officer,
    all_officers,
    remove_officer,
    toggle_night,
)
from bot.texts import t
from handlers.officer.desk import admin_desk, staff_desk
from handlers.telegram import menus
from handlers.telegram.context import Context


async def my_id(update: Update, context: Context) -> None:
    """Answers with the numeric Telegram id; stores nothing, so it works before consent."""
    user, message = update.effective_user, update.effective_message
    if user is not None and message is not None:
        await message.reply_text(t("admin.your_id", id=user.id))


def _parse_add(args: list[str], departments: set[str]) -> OfficerRecord | str:
    """`them <telegram_id> <roles,comma> <department|-> <name...>`, or the reason it is not."""
    if len(args) < 5 or parse_number(args[1]) is None:
        return "admin.usage"
    try:
        roles = frozenset(Role(r.strip()) for r in args[2].split(",") if r.strip())
    except ValueError:
        return "admin.bad_role"
    department = None if args[3] == "-" else args[3]
    if department is not None and department not in departments:
        return "admin.bad_department"
    name = " ".join(args[4:]).strip()
    if not roles or not 2 <= len(name) <= 100:
        return "admin.usage"
    return OfficerRecord(TELEGRAM_CHANNEL, args[1], name, "", department, roles)


async def officers_command(update: Update, context: Context) -> None:
    desk = await admin_desk(update, context)
    if desk is None:
        return
    admin, message = desk
    services = context.services
    args = list(context.args or [])
    verb = sub_command(args[0]) if args else ""
    if verb == "them":
        departments = {d.id for d in services.config.departments}
        parsed = _parse_add(args, departments)
        if isinstance(parsed, str):
            await message.reply_text(t(parsed))
            return
        officer = await add_officer(services.db, services.clock, admin, parsed)
        await message.reply_text(t("admin.added", name=officer.name, id=officer.external_id))
        await menus.show(context.bot, officer, services.config.routing.triage_department)
    elif verb == "xoa" and len(args) == 2 and parse_number(args[1]) is not None:
        removed = await remove_officer(services.db, services.clock, admin, args[1])
        await message.reply_text(t("admin.removed" if removed else "admin.not_officer", id=args[1]))
        if removed:
            await menus.drop(context.bot, admin.channel, args[1])
    elif not args:
        staff = await all_officers(services.db)
        lines = [t("admin.list_title", count=len(staff))]
        lines += [
            t(
                "admin.list_line",
                name=o.name,
                id=o.external_id,
                roles=",".join(sorted(o.roles)),
                department=o.department_id or "-",
            )
            for o in staff
        ]
        lines.append(t("admin.usage"))
        await message.reply_text("\n".join(lines))
    else:
        await message.reply_text(t("admin.usage"))


async def night_command(update: Update, context: Context) -> None:
    """/nhandem: an officer turns reminders during quiet hours on or off."""
    desk = await staff_desk(update, context)
    if desk is None:
        return
    officer, message = desk
    on = await toggle_night(context.services.db, officer)
    await message.reply_text(t("staff.night_on" if on else "staff.night_off"))
