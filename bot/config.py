"""The commune's settings, read from `config.toml`: the only place that reads the environment.

Every problem is reported with the path of the field it concerns, so the commune's IT officer can
fix a whole file in one go instead of meeting errors one start-up at a time.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from bot.domain.calendar import WorkCalendar
from bot.domain.deadlines import DeadlineRules, Period, Unit
from bot.domain.people import Role
from bot.domain.routing import DEFAULT_TRIAGE_DEPARTMENT, RoutingRules
from bot.domain.tickets import Kind
from bot.texts import t

TOKEN_ENV = "NGHE_DAN_TELEGRAM_TOKEN"  # noqa: S105 - the variable's name, not a secret
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Id = Annotated[str, Field(pattern=_ID.pattern)]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class CommuneConfig(_Section):
    name: Text
    short_name: Text
    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{0,9}$")]
    timezone: str = "Asia/Ho_Chi_Minh"
    office_contact: Annotated[str, Field(max_length=200)] = ""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(t("config.bad_timezone", value=value)) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class TelegramConfig(_Section):
    token: SecretStr | None = None
    base_url: Annotated[str, Field(pattern=r"^https?://[^\s/]+(/[^\s]*)?$")] = (
        "https://api.telegram.org"
    )

    @field_validator("token", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


class StorageConfig(_Section):
    path: Path = Path("data/nghe-dan.sqlite3")


class IntakeConfig(_Section):
    """Limits of a submission; a commune may tune them."""

    content_min: Annotated[int, Field(ge=1, le=100)] = 10
    content_max: Annotated[int, Field(ge=100, le=4000)] = 4000
    max_photos: Annotated[int, Field(ge=0, le=10)] = 5
    page_size: Annotated[int, Field(ge=1, le=20)] = 5


class CalendarConfig(_Section):
    """What the `holidays` package cannot know yet; see bot.domain.calendar.

    `extra_days_off`: days the office is closed besides weekends and public holidays (a Tết or
    holiday swap the Government announced after the package's release, a local closure).
    `extra_working_days`: weekend days worked in exchange for such a swap.
    """

    extra_days_off: list[date] = []
    extra_working_days: list[date] = []


_LAW = DeadlineRules()
Days = Annotated[int, Field(ge=1, le=365)]


class DeadlineUnits(_Section):
    """Whether each period of [deadlines] counts working days or calendar days.

    The defaults are the law's ("ngày làm việc" or "ngày"); a commune changes one only when its
    own practice counts differently.
    """

    feedback_resolve: Unit = _LAW.feedback_resolve.unit
    petition_resolve: Unit = _LAW.petition_resolve.unit
    complaint_accept: Unit = _LAW.complaint_accept.unit
    complaint_resolve: Unit = _LAW.complaint_resolve.unit
    complaint_resolve_complex: Unit = _LAW.complaint_resolve_complex.unit
    complaint_resolve_remote: Unit = _LAW.complaint_resolve_remote.unit
    complaint_resolve_remote_complex: Unit = _LAW.complaint_resolve_remote_complex.unit
    denunciation_accept: Unit = _LAW.denunciation_accept.unit
    denunciation_notice: Unit = _LAW.denunciation_notice.unit
    denunciation_resolve: Unit = _LAW.denunciation_resolve.unit
    denunciation_extension: Unit = _LAW.denunciation_extension.unit


class DeadlinesConfig(_Section):
    """The legal periods per kind, in days; defaults and sources in bot.domain.deadlines.

    feedback/petition: resolve 10 working days from receipt. complaint: accept 10 days from
    receipt; resolve 30 days from acceptance, 45 if complex, 45/60 when `remote_area`.
    denunciation: accept 7 working days from receipt, notify 5 working days from acceptance,
    resolve 30 days from acceptance, plus at most 2 extensions of 30 days.
    """

    feedback_resolve: Days = _LAW.feedback_resolve.count
    petition_resolve: Days = _LAW.petition_resolve.count
    complaint_accept: Days = _LAW.complaint_accept.count
    complaint_resolve: Days = _LAW.complaint_resolve.count
    complaint_resolve_complex: Days = _LAW.complaint_resolve_complex.count
    complaint_resolve_remote: Days = _LAW.complaint_resolve_remote.count
    complaint_resolve_remote_complex: Days = _LAW.complaint_resolve_remote_complex.count
    denunciation_accept: Days = _LAW.denunciation_accept.count
    denunciation_notice: Days = _LAW.denunciation_notice.count
    denunciation_resolve: Days = _LAW.denunciation_resolve.count
    denunciation_extension: Days = _LAW.denunciation_extension.count
    # The law allows two extensions at most (Luật Tố cáo Art 30); a commune may allow fewer.
    denunciation_max_extensions: Annotated[int, Field(ge=0, le=2)] = (
        _LAW.denunciation_max_extensions
    )
    remote_area: bool = _LAW.remote_area
    units: DeadlineUnits = DeadlineUnits()


_ROUTABLE_ROLES = (Role.RECEPTION, Role.LEADER, Role.OFFICER)


class RoutingConfig(_Section):
    """Who gets which case beyond the category table; see bot.domain.routing for the rules.

    Officers are named by telegram_id, the number the IT officer already writes in [[officers]];
    `routing_rules` turns it into a person id once the officers are in the database.
    """

    complaint: Role = Role.RECEPTION
    denunciation: Role = Role.LEADER
    triage_department: Id = DEFAULT_TRIAGE_DEPARTMENT
    conduct_category: Annotated[str, Field(pattern=r"^(?:|[a-z0-9][a-z0-9_-]{0,31})$")] = ""
    chairman: Annotated[int, Field(ge=0)] = 0

    @field_validator("complaint", "denunciation", mode="before")
    @classmethod
    def _routable_role(cls, value: object) -> object:
        """Supervisors and admins stand outside casework: a case must never be routed to them."""
        if value not in _ROUTABLE_ROLES:
            roles = ", ".join(role.value for role in _ROUTABLE_ROLES)
            raise ValueError(t("config.bad_routing_role", value=value, roles=roles))
        return value


class Department(_Section):
    id: Id
    name: Text


class Category(_Section):
    id: Id
    name: Text
    department: Id


class Officer(_Section):
    telegram_id: Annotated[int, Field(gt=0)]
    name: Text
    title: str = ""
    department: Id | None = None
    roles: Annotated[list[Role], Field(min_length=1)]


class Config(_Section):
    commune: CommuneConfig
    telegram: TelegramConfig = TelegramConfig()
    storage: StorageConfig = StorageConfig()
    intake: IntakeConfig = IntakeConfig()
    calendar: CalendarConfig = CalendarConfig()
    deadlines: DeadlinesConfig = DeadlinesConfig()
    routing: RoutingConfig = RoutingConfig()
    departments: Annotated[list[Department], Field(min_length=1)]
    categories: Annotated[list[Category], Field(min_length=1)]
    officers: list[Officer] = []

    def department(self, department_id: str) -> Department:
        return next(d for d in self.departments if d.id == department_id)

    def department_name(self, department_id: str | None) -> str:
        found = next((d for d in self.departments if d.id == department_id), None)
        return found.name if found else t("config.no_department")

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_PYDANTIC_MESSAGES = {
    "missing": "config.missing",
    "extra_forbidden": "config.unknown_field",
    "string_pattern_mismatch": "config.bad_format",
    "too_short": "config.too_short",
    "string_too_short": "config.too_short",
    "string_too_long": "config.too_long",
}


def _message(error: Any) -> str:
    key = _PYDANTIC_MESSAGES.get(error["type"])
    if key:
        return t(key)
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return t("config.bad_value", detail=error["msg"])


def _duplicates(items: list[Any], attribute: str, section: str) -> list[Problem]:
    counts = Counter(getattr(item, attribute) for item in items)
    return [
        Problem(f"{section}[{index}].{attribute}", t("config.duplicate", value=value))
        for index, item in enumerate(items)
        if counts[(value := getattr(item, attribute))] > 1
    ]


def cross_check(config: Config, *, need_token: bool) -> list[Problem]:
    """What each section cannot tell on its own: references between sections, duplicates."""
    problems = [
        *_duplicates(config.departments, "id", "departments"),
        *_duplicates(config.categories, "id", "categories"),
        *_duplicates(config.officers, "telegram_id", "officers"),
    ]
    department_ids = {d.id for d in config.departments}
    for index, category in enumerate(config.categories):
        if category.department not in department_ids:
            problems.append(
                Problem(
                    f"categories[{index}].department",
                    t("config.unknown_department", value=category.department),
                )
            )
    for index, officer in enumerate(config.officers):
        if officer.department is not None and officer.department not in department_ids:
            problems.append(
                Problem(
                    f"officers[{index}].department",
                    t("config.unknown_department", value=officer.department),
                )
            )
    problems += _routing_problems(config, department_ids)
    problems += _calendar_problems(config.calendar)
    if config.intake.content_min >= config.intake.content_max:
        problems.append(Problem("intake.content_min", t("config.min_above_max")))
    token = config.telegram.token
    if need_token and token is None:
        problems.append(Problem("telegram.token", t("config.missing_token", env=TOKEN_ENV)))
    elif token is not None and not _TOKEN.match(token.get_secret_value()):
        problems.append(Problem("telegram.token", t("config.bad_token")))
    return problems


def _routing_problems(config: Config, department_ids: set[str]) -> list[Problem]:
    routing = config.routing
    problems = []
    if routing.triage_department not in department_ids:
        problems.append(
            Problem(
                "routing.triage_department",
                t("config.unknown_department", value=routing.triage_department),
            )
        )
    if routing.conduct_category and config.category(routing.conduct_category) is None:
        problems.append(
            Problem(
                "routing.conduct_category",
                t("config.unknown_category", value=routing.conduct_category),
            )
        )
    if routing.chairman:
        chairman = next((o for o in config.officers if o.telegram_id == routing.chairman), None)
        if chairman is None:
            problems.append(
                Problem(
                    "routing.chairman", t("config.chairman_not_officer", value=routing.chairman)
                )
            )
        elif Role.LEADER not in chairman.roles:
            problems.append(
                Problem("routing.chairman", t("config.chairman_not_leader", value=routing.chairman))
            )
    return problems


_SATURDAY = 5


def _calendar_problems(calendar: CalendarConfig) -> list[Problem]:
    """A day both off and worked is a contradiction; a weekday worked "in exchange" is a typo."""
    problems = []
    days_off = set(calendar.extra_days_off)
    for index, day in enumerate(calendar.extra_working_days):
        path = f"calendar.extra_working_days[{index}]"
        shown = day.strftime("%d/%m/%Y")
        if day in days_off:
            problems.append(Problem(path, t("config.working_and_off", value=shown)))
        elif day.weekday() < _SATURDAY:
            problems.append(Problem(path, t("config.working_not_weekend", value=shown)))
    return problems


def work_calendar(config: Config) -> WorkCalendar:
    """The commune's working calendar: Vietnamese public holidays plus the [calendar] changes.

    One calendar per distinct set of changes, so each year's holidays are computed once.
    """
    return _calendar(
        frozenset(config.calendar.extra_days_off), frozenset(config.calendar.extra_working_days)
    )


@cache
def _calendar(days_off: frozenset[date], working_days: frozenset[date]) -> WorkCalendar:
    return WorkCalendar(extra_days_off=days_off, extra_working_days=working_days)


def deadline_rules(config: Config) -> DeadlineRules:
    """The legal periods of [deadlines], each with its unit from [deadlines.units]."""
    deadlines = config.deadlines

    def period(name: str) -> Period:
        return Period(getattr(deadlines, name), getattr(deadlines.units, name))

    return DeadlineRules(
        feedback_resolve=period("feedback_resolve"),
        petition_resolve=period("petition_resolve"),
        complaint_accept=period("complaint_accept"),
        complaint_resolve=period("complaint_resolve"),
        complaint_resolve_complex=period("complaint_resolve_complex"),
        complaint_resolve_remote=period("complaint_resolve_remote"),
        complaint_resolve_remote_complex=period("complaint_resolve_remote_complex"),
        denunciation_accept=period("denunciation_accept"),
        denunciation_notice=period("denunciation_notice"),
        denunciation_resolve=period("denunciation_resolve"),
        denunciation_extension=period("denunciation_extension"),
        denunciation_max_extensions=deadlines.denunciation_max_extensions,
        remote_area=deadlines.remote_area,
    )


def routing_rules(config: Config, person_ids: Mapping[int, int]) -> RoutingRules:
    """The routing rules with officers named by person id.

    `person_ids` maps telegram_id to person id, for the officers already in the database; a
    chairman not (yet) among them is simply not known to routing, which then picks by load.
    """
    routing = config.routing
    return RoutingRules(
        kind_roles={Kind.COMPLAINT: routing.complaint, Kind.DENUNCIATION: routing.denunciation},
        triage_department=routing.triage_department,
        conduct_category=routing.conduct_category or None,
        chairman_id=person_ids.get(routing.chairman) if routing.chairman else None,
    )


def load_config(
    path: Path, *, environ: dict[str, str] | None = None, need_token: bool = True
) -> Config:
    """Read, validate and cross-check a config file, or raise ConfigError listing every problem.

    The token in the environment wins over the file, so the file can be shared without it.
    Relative storage paths are taken from the config file's folder, not from wherever the
    command happened to be started.
    """
    env = os.environ if environ is None else environ
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([Problem("", t("config.no_file", path=path))]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError([Problem("", t("config.not_toml", detail=error))]) from None
    if env.get(TOKEN_ENV):
        raw.setdefault("telegram", {})
        if isinstance(raw["telegram"], dict):
            raw["telegram"]["token"] = env[TOKEN_ENV]
    try:
        config = Config.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(
            [Problem(_path(tuple(e["loc"])), _message(e)) for e in error.errors()]
        ) from None
    problems = cross_check(config, need_token=need_token)
    if problems:
        raise ConfigError(problems)
    if not config.storage.path.is_absolute():
        storage = StorageConfig(path=path.parent / config.storage.path)
        config = config.model_copy(update={"storage": storage})
    return config
