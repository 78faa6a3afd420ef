"""What no section can tell on its own: references between sections, duplicates, the token.

Each check names the sections it reads, so a section that failed validation skips only the
checks that need it and every other problem is still reported in the same run. A list section
with a broken entry is not skipped: its valid entries are checked under their own numbers (see
`Kept`), so a typo in one officer hides no duplicate and no unknown department of the others.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.config.sections import CalendarConfig, Config, ReceptionConfig
from bot.domain.calendar import WorkCalendar
from bot.domain.people import Role
from bot.domain.reception import Rule
from bot.domain.routing import TRIAGE_ROLES
from bot.texts import t

TOKEN_ENV = "NGHE_DAN_TELEGRAM_TOKEN"  # noqa: S105 - the variable's name, not a secret
WEBHOOK_SECRET_ENV = "NGHE_DAN_WEBHOOK_SECRET"  # noqa: S105 - the variable's name
ZALO_TOKEN_ENV = "NGHE_DAN_ZALO_TOKEN"  # noqa: S105 - the variable's name, not a secret
ZALO_SECRET_ENV = "NGHE_DAN_ZALO_SECRET"  # noqa: S105 - the variable's name
SECRET_KEY_ENV = "NGHE_DAN_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret
DATABASE_URL_ENV = "NGHE_DAN_DATABASE_URL"
# The object store's keys ([storage] files_url); the names, by the catalog's placeholders.
S3_KEY_ENVS = {
    "key_id_env": "NGHE_DAN_S3_ACCESS_KEY_ID",
    "secret_env": "NGHE_DAN_S3_SECRET_ACCESS_KEY",
}
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_SATURDAY = 5
# The field that names each entry of a list section, which other entries refer to.
LIST_KEYS = {"departments": "id", "categories": "id", "officers": "telegram_id", "reception": "id"}
_Entry = TypeVar("_Entry")


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True, slots=True)
class Kept:
    """A list section some of whose entries failed validation: the place in the file of each
    entry that passed, in order, and the key (`LIST_KEYS`) of each failed entry whose key was
    itself valid, by place. A failed entry's key still counts as known, so an entry naming it
    is not reported, and as taken, so a duplicate of it is."""

    places: tuple[int, ...]
    failed_keys: Mapping[int, object]


def _placed(items: Sequence[_Entry], kept: Kept | None) -> list[tuple[int, _Entry]]:
    """Each valid entry with its place in the file, which the problem's path must name."""
    places = kept.places if kept is not None else range(len(items))
    return list(zip(places, items, strict=True))


def _keys(items: Sequence[Any], section: str, kept: Kept | None) -> list[tuple[int, object]]:
    """The key of every entry that has a valid one, failed or not, in the file's order."""
    attribute = LIST_KEYS[section]
    found = [(place, getattr(item, attribute)) for place, item in _placed(items, kept)]
    failed = kept.failed_keys.items() if kept is not None else ()
    return sorted([*found, *failed], key=lambda pair: pair[0])


def _known(items: Sequence[Any], section: str, kept: Kept | None) -> set[object]:
    return {key for _, key in _keys(items, section, kept)}


def _duplicates(items: Sequence[Any], section: str, kept: Kept | None) -> list[Problem]:
    keys = _keys(items, section, kept)
    counts = Counter(key for _, key in keys)
    attribute = LIST_KEYS[section]
    return [
        Problem(f"{section}[{place}].{attribute}", t("config.duplicate", value=key))
        for place, key in keys
        if counts[key] > 1
    ]


Partial = Mapping[str, Kept]


def _category_departments(config: Config, partial: Partial) -> list[Problem]:
    department_ids = _known(config.departments, "departments", partial.get("departments"))
    return [
        Problem(f"categories[{i}].department", t("config.unknown_department", value=c.department))
        for i, c in _placed(config.categories, partial.get("categories"))
        if c.department not in department_ids
    ]


def _officer_departments(config: Config, partial: Partial) -> list[Problem]:
    department_ids = _known(config.departments, "departments", partial.get("departments"))
    return [
        Problem(f"officers[{i}].department", t("config.unknown_department", value=o.department))
        for i, o in _placed(config.officers, partial.get("officers"))
        if o.department is not None and o.department not in department_ids
    ]


def _routing_problems(config: Config, partial: Partial) -> list[Problem]:
    department_ids = _known(config.departments, "departments", partial.get("departments"))
    category_ids = _known(config.categories, "categories", partial.get("categories"))
    officer_ids = _known(config.officers, "officers", partial.get("officers"))
    routing = config.routing
    problems = []
    if routing.triage_department not in department_ids:
        problems.append(
            Problem(
                "routing.triage_department",
                t("config.unknown_department", value=routing.triage_department),
            )
        )
    if routing.conduct_category and routing.conduct_category not in category_ids:
        problems.append(
            Problem(
                "routing.conduct_category",
                t("config.unknown_category", value=routing.conduct_category),
            )
        )
    if routing.chairman:
        chairman = next((o for o in config.officers if o.telegram_id == routing.chairman), None)
        if routing.chairman not in officer_ids:
            problems.append(
                Problem(
                    "routing.chairman", t("config.chairman_not_officer", value=routing.chairman)
                )
            )
        elif chairman is not None and Role.LEADER not in chairman.roles:
            problems.append(
                Problem("routing.chairman", t("config.chairman_not_leader", value=routing.chairman))
            )
    return problems


def _calendar_problems(calendar: CalendarConfig) -> list[Problem]:
    """A day both off and worked is a contradiction; an extra working day that is neither a
    weekend nor a public holiday is already a working day, so it is a typo."""
    problems = []
    days_off = set(calendar.extra_days_off)
    plain = WorkCalendar()
    for index, day in enumerate(calendar.extra_working_days):
        path = f"calendar.extra_working_days[{index}]"
        shown = day.strftime("%d/%m/%Y")
        if day in days_off:
            problems.append(Problem(path, t("config.working_and_off", value=shown)))
        elif day.weekday() < _SATURDAY and plain.holiday_name(day) is None:
            problems.append(Problem(path, t("config.working_not_weekend", value=shown)))
    return problems


# The one field each rule needs, by its name in the file; "workdays" needs none of them.
_RULE_FIELDS = {Rule.WEEKLY: "weekday", Rule.MONTHLY: "day", Rule.ONCE: "date"}


def _reception_problems(entries: list[tuple[int, ReceptionConfig]]) -> list[Problem]:
    """Each session names the day its rule needs and no other (a `day` on a weekly session is a
    sign the rule was meant to be monthly), and starts before it ends."""
    problems = []
    for index, entry in entries:
        path = f"reception[{index}]"
        given = {"weekday": entry.weekday, "day": entry.day, "date": entry.on}
        needed = _RULE_FIELDS.get(entry.rule)
        for name, value in given.items():
            if name == needed and value is None:
                hint = t(f"config.reception_field.{name}")
                message = t("config.reception_needs", rule=entry.rule.value, field=name, hint=hint)
                problems.append(Problem(f"{path}.{name}", message))
            elif name != needed and value is not None:
                message = t("config.reception_not_for_rule", rule=entry.rule.value, field=name)
                problems.append(Problem(f"{path}.{name}", message))
        if entry.start >= entry.end:
            start, end = entry.start.strftime("%H:%M"), entry.end.strftime("%H:%M")
            problems.append(
                Problem(f"{path}.start", t("config.start_not_before_end", start=start, end=end))
            )
    return problems


def _reception_hosts(config: Config, partial: Partial) -> list[Problem]:
    officer_ids = _known(config.officers, "officers", partial.get("officers"))
    return [
        Problem(f"reception[{i}].host", t("config.host_not_officer", value=r.host))
        for i, r in _placed(config.reception, partial.get("reception"))
        if r.host is not None and r.host not in officer_ids
    ]


def _intake_problems(config: Config) -> list[Problem]:
    if config.intake.content_min >= config.intake.content_max:
        return [Problem("intake.content_min", t("config.min_above_max"))]
    return []


def _token_problems(config: Config, *, need_token: bool) -> list[Problem]:
    token = config.telegram.token
    if need_token and token is None:
        return [Problem("telegram.token", t("config.missing_token", env=TOKEN_ENV))]
    if token is not None and not _TOKEN.match(token.get_secret_value()):
        return [Problem("telegram.token", t("config.bad_token"))]
    return []


def _webhook_problems(config: Config, *, need_token: bool) -> list[Problem]:
    """Webhook mode needs an address for Telegram and the secret Telegram sends back; the
    secret is only required to run, like the token, since it may live in the environment."""
    telegram = config.telegram
    if telegram.mode != "webhook":
        return []
    problems = []
    if telegram.webhook_url is None:
        problems.append(Problem("telegram.webhook_url", t("config.webhook_needs_url")))
    if need_token and telegram.secret_token is None:
        problems.append(
            Problem(
                "telegram.secret_token",
                t("config.webhook_needs_secret", env=WEBHOOK_SECRET_ENV),
            )
        )
    return problems


def _zalo_problems(config: Config, *, need_token: bool) -> list[Problem]:
    """An enabled Zalo channel needs its token to run, and in webhook mode an address and the
    secret Zalo sends back, as for Telegram; a disabled one is not checked further."""
    zalo = config.zalo
    if not zalo.enabled:
        return []
    problems = []
    if need_token and zalo.token is None:
        problems.append(Problem("zalo.token", t("config.zalo_missing_token", env=ZALO_TOKEN_ENV)))
    if zalo.mode == "webhook":
        if zalo.webhook_url is None:
            problems.append(Problem("zalo.webhook_url", t("config.zalo_webhook_needs_url")))
        if need_token and zalo.secret_token is None:
            message = t("config.zalo_webhook_needs_secret", env=ZALO_SECRET_ENV)
            problems.append(Problem("zalo.secret_token", message))
        telegram = config.telegram
        if telegram.mode == "webhook" and (telegram.listen, telegram.port) == (
            zalo.listen,
            zalo.port,
        ):
            problems.append(Problem("zalo.port", t("config.zalo_same_port", port=zalo.port)))
    return problems


def _storage_problems(config: Config) -> list[Problem]:
    """A PostgreSQL URL (from the file or the environment) beside a SQLite path written in the
    file, or a files folder beside an object store: which one is meant cannot be told, and
    guessing could split a commune's data."""
    storage = config.storage
    problems = []
    if storage.url is not None and "path" in storage.model_fields_set:
        problems.append(Problem("storage.url", t("config.storage_both", env=DATABASE_URL_ENV)))
    if storage.files is not None and storage.files_url is not None:
        problems.append(Problem("storage.files_url", t("config.files_both")))
    if storage.files_url is None and (storage.files_endpoint or storage.files_region):
        problems.append(Problem("storage.files_endpoint", t("config.files_endpoint_alone")))
    return problems


def staffing_warnings(config: Config) -> list[str]:
    """What is allowed but probably not meant: a department that owns categories and has no
    officer, so its cases all land at the triage department (the Office); and a triage
    department nobody works in, so such cases are assigned to no one. Routing does the same
    (bot.domain.routing); saying it before the first case lets the commune name the officer."""
    triage = config.routing.triage_department
    staffed = {
        o.department
        for o in config.officers
        if Role.OFFICER in o.roles or (o.department == triage and TRIAGE_ROLES & set(o.roles))
    }
    owners = dict.fromkeys(c.department for c in config.categories if c.department != triage)
    warnings = [
        t(
            "config.warning.unstaffed",
            department=config.department_name(department),
            triage=config.department_name(triage),
        )
        for department in owners
        if department not in staffed
    ]
    if triage not in staffed:
        warnings.append(t("config.warning.triage_unstaffed", triage=config.department_name(triage)))
    return warnings


def cross_check(
    config: Config,
    *,
    need_token: bool,
    unavailable: Collection[str] = (),
    partial: Partial | None = None,
) -> list[Problem]:
    """Every problem between sections, skipping checks that need an `unavailable` section; a
    list section in `partial` holds only its valid entries, placed as `Kept` says."""
    kept = partial or {}
    checks: list[tuple[set[str], Callable[[Config], list[Problem]]]] = [
        (
            {"departments"},
            lambda c: _duplicates(c.departments, "departments", kept.get("departments")),
        ),
        ({"categories"}, lambda c: _duplicates(c.categories, "categories", kept.get("categories"))),
        ({"officers"}, lambda c: _duplicates(c.officers, "officers", kept.get("officers"))),
        ({"categories", "departments"}, lambda c: _category_departments(c, kept)),
        ({"officers", "departments"}, lambda c: _officer_departments(c, kept)),
        (
            {"routing", "departments", "categories", "officers"},
            lambda c: _routing_problems(c, kept),
        ),
        ({"calendar"}, lambda c: _calendar_problems(c.calendar)),
        ({"intake"}, _intake_problems),
        ({"reception"}, lambda c: _duplicates(c.reception, "reception", kept.get("reception"))),
        (
            {"reception"},
            lambda c: _reception_problems(_placed(c.reception, kept.get("reception"))),
        ),
        ({"reception", "officers"}, lambda c: _reception_hosts(c, kept)),
        ({"telegram"}, lambda c: _token_problems(c, need_token=need_token)),
        ({"telegram"}, lambda c: _webhook_problems(c, need_token=need_token)),
        ({"telegram", "zalo"}, lambda c: _zalo_problems(c, need_token=need_token)),
        ({"storage"}, _storage_problems),
    ]
    blocked = set(unavailable)
    return [p for needs, check in checks if not needs & blocked for p in check(config)]
