"""The commune's settings, read from `config.toml`: the only place that reads the environment.

Every problem is reported with the path of the field it concerns, so the commune's IT officer can
fix a whole file in one go instead of meeting errors one start-up at a time.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from bot.domain.people import Role
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
    departments: Annotated[list[Department], Field(min_length=1)]
    categories: Annotated[list[Category], Field(min_length=1)]
    officers: list[Officer] = []

    def department(self, department_id: str) -> Department:
        return next(d for d in self.departments if d.id == department_id)

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
    if config.intake.content_min >= config.intake.content_max:
        problems.append(Problem("intake.content_min", t("config.min_above_max")))
    token = config.telegram.token
    if need_token and token is None:
        problems.append(Problem("telegram.token", t("config.missing_token", env=TOKEN_ENV)))
    elif token is not None and not _TOKEN.match(token.get_secret_value()):
        problems.append(Problem("telegram.token", t("config.bad_token")))
    return problems


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
