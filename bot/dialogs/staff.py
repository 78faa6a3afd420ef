"""What an officer may type: the same list feeds Telegram's command menu and the /start help,
so an officer is never told of a command that would refuse them."""

from __future__ import annotations

from bot.domain.choices import normalize
from bot.domain.figures import may_see_reports
from bot.domain.people import Officer, Role
from bot.domain.workflow import WATCHERS
from bot.texts import t

EVERY_OFFICER = ("viec", "hoso", "nhandem", "id", "huy")


def staff_commands(officer: Officer, triage_department: str) -> tuple[str, ...]:
    manages = officer.has(Role.ADMIN) or officer.has(Role.LEADER)
    names = EVERY_OFFICER + (("lichtiep", "thongbao") if manages else ())
    names += ("canbo", "chan") if officer.has(Role.ADMIN) else ()
    names += ("giamsat",) if officer.roles & WATCHERS else ()
    names += ("baocao",) if may_see_reports(officer, triage_department) else ()
    names += ("hoidap",) if officer.has(Role.LEADER) else ()
    return names


def staff_help(officer: Officer, triage_department: str) -> str:
    lines = [
        t("staff.help_line", command=name, text=t(f"commands.staff.{name}"))
        for name in staff_commands(officer, triage_department)
    ]
    return "\n".join([t("staff.help"), *lines])


def sub_command(typed: str) -> str:
    """The word after a staff command, as the code spells it ("them", "xoa", "bo"): officers
    type "thêm", "Xóa" or "BỎ" as readily as the plain form, and all must work."""
    return normalize(typed)
