"""The sections of `config.toml`, one pydantic model each, with their documented defaults.

Why one module of ~400 lines: it is the reference of config.toml, read top to bottom in the
file's own order; each model is small and stands alone (checks across sections are checks.py)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from bot.config.procedures import ProceduresConfig
from bot.domain.deadlines import DeadlineRules, Unit
from bot.domain.limits import NOTE_CEILING, TOPIC_CEILING
from bot.domain.people import Role
from bot.domain.reception import Rule, parse_lead
from bot.domain.routing import DEFAULT_TRIAGE_DEPARTMENT
from bot.texts import t

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Id = Annotated[str, Field(pattern=_ID.pattern)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
MediaType = Annotated[str, Field(pattern=r"^[a-z]+/[a-z0-9][a-z0-9.+-]*$", max_length=100)]
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _local_time(value: object) -> object:
    """Times are written as people write them, "07:30", and read in the commune's zone."""
    match = _HHMM.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(t("config.bad_time", value=value))
    return time(int(match.group(1)), int(match.group(2)))


LocalTime = Annotated[time, BeforeValidator(_local_time)]


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


Url = Annotated[str, Field(pattern=r"^https?://[^\s/]+(/[^\s]*)?$")]


class _ChatPlatform(_Section):
    """What Telegram and Zalo share: a token, polling or a webhook behind `listen`:`port`.

    `secret_token` is checked by each platform's own rule, in its subclass.
    """

    token: SecretStr | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: Url | None = None
    listen: Annotated[str, Field(min_length=1, max_length=255)] = "127.0.0.1"
    secret_token: SecretStr | None = None

    @field_validator("token", "webhook_url", "secret_token", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("base_url", check_fields=False)
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


# Telegram's rule for a bot's username: 5-32 letters, digits or "_", starting with a letter and
# ending in "bot".
_BOT_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]$")
# Telegram's rule for a webhook's secret_token, sent back in X-Telegram-Bot-Api-Secret-Token.
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class TelegramConfig(_ChatPlatform):
    """How the bot reaches Telegram, and how Telegram reaches the bot.

    `polling` asks Telegram for updates; `webhook` has Telegram post them to `webhook_url`
    (usually a reverse proxy with HTTPS in front of `listen`:`port`), each post carrying
    `secret_token` so that nobody else can feed the bot forged updates.
    """

    base_url: Url = "https://api.telegram.org"
    port: Annotated[int, Field(ge=1, le=65535)] = 8443
    # The bot's @username, for the links a poster prints (t.me/<username>?start=...): written
    # here because a poster is made without network, where getMe cannot be asked.
    username: str | None = None

    @field_validator("username", mode="before")
    @classmethod
    def _bot_username(cls, value: object) -> object:
        """Telegram's rule for a bot's name, with the "@" people copy along taken off."""
        if not isinstance(value, str):
            return value
        name = value.strip().removeprefix("@")
        if not name:
            return None
        if not _BOT_USERNAME.match(name):
            raise ValueError(t("poster.bad_username", value=value))
        return name

    @field_validator("secret_token")
    @classmethod
    def _telegram_accepts_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError(t("config.bad_webhook_secret"))
        return value


# Zalo's rule for a webhook's secret_token, sent back in X-Bot-Api-Secret-Token.
_ZALO_SECRET = re.compile(r"^[A-Za-z0-9_-]{8,256}$")
# A link a phone opens: https only, at most 200 characters, no space a QR code reader would cut.
_SHARE_LINK = re.compile(r"^https://[^\s/]+(/\S*)?$")
_LINK_MAX = 200


class ZaloConfig(_ChatPlatform):
    """How the bot reaches the Zalo Bot Platform, and how Zalo reaches the bot.

    Calls go to `{base_url}/bot{token}/{method}`, so a local emulator can stand in. As on
    Telegram, `polling` asks Zalo for updates and `webhook` has Zalo post them to `webhook_url`,
    each post carrying `secret_token` in X-Bot-Api-Secret-Token; the two exclude each other.
    """

    enabled: bool = False
    base_url: Url = "https://bot-api.zaloplatforms.com"
    port: Annotated[int, Field(ge=1, le=65535)] = 8444
    # The address Zalo gives for sharing the bot (its QR code's), printed on posters; Zalo has
    # no start payload, so it opens the chat, not the form.
    link: str | None = None

    @field_validator("link", mode="before")
    @classmethod
    def _share_link(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        link = value.strip()
        if not link:
            return None
        if len(link) > _LINK_MAX or not _SHARE_LINK.match(link):
            raise ValueError(t("poster.bad_zalo_link", value=value))
        return link

    @field_validator("secret_token")
    @classmethod
    def _zalo_accepts_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _ZALO_SECRET.match(value.get_secret_value()):
            raise ValueError(t("config.bad_zalo_secret"))
        return value


# libpq's URL schemes; `postgresql://user@host:5432/db`, any libpq option in the query string.
_POSTGRES_SCHEMES = ("postgresql", "postgres")
# S3's rules for a bucket's name, which every S3-compatible server follows.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


class StorageConfig(_Section):
    """Where the data lives: a SQLite file (`path`, the default) or a PostgreSQL database
    (`url`). Giving both is refused (`checks`), so nobody has to guess which one the bot writes.

    The URL never holds the password: the config file is shared and copied more than a password
    should be, and a URL ends up in logs and error messages. libpq finds it in PGPASSWORD or in a
    `.pgpass` file (PGPASSFILE), as PostgreSQL's own tools do.
    """

    path: Path = Path("data/nghe-dan.sqlite3")
    url: str | None = None
    # The folder of the files Nghe Dân keeps (photos of the cases, by content hash); by default
    # `files` beside the SQLite file, also with PostgreSQL, where every process sharing the
    # database must see the same folder (`files_folder`).
    files: Path | None = None
    # Instead of the folder, an S3-compatible object store: `s3://bucket/prefix`, at
    # `files_endpoint` (a MinIO or a provider's address; AWS itself without one). Its keys come
    # from the environment only (bot.config.loading), never from this file.
    files_url: str | None = None
    files_endpoint: str | None = None
    files_region: str | None = None
    files_access_key_id: SecretStr | None = None
    files_secret_access_key: SecretStr | None = None

    @property
    def files_folder(self) -> Path:
        return self.files if self.files is not None else self.path.parent / "files"

    @property
    def files_bucket(self) -> str:
        return urlsplit(self.files_url or "").netloc

    @property
    def files_prefix(self) -> str:
        return urlsplit(self.files_url or "").path.strip("/")

    @field_validator("files_url", "files_endpoint", "files_region", mode="before")
    @classmethod
    def _blank_file_setting_is_missing(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("files_url")
    @classmethod
    def _s3_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme != "s3" or not _BUCKET.fullmatch(parts.netloc) or parts.query:
            raise ValueError(t("config.files_url_bad"))
        return value.strip()

    @field_validator("files_endpoint")
    @classmethod
    def _http_endpoint(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.password:
            raise ValueError(t("config.files_endpoint_bad"))
        return value.strip()

    @field_validator("url", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("url")
    @classmethod
    def _postgres_url_without_password(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme.lower() not in _POSTGRES_SCHEMES:
            raise ValueError(t("config.storage_url_bad"))
        if parts.password is not None or "password" in parse_qs(parts.query):
            raise ValueError(t("config.storage_url_password"))
        return value.strip()


class IntakeConfig(_Section):
    """Limits of a submission; a commune may tune them."""

    content_min: Annotated[int, Field(ge=1, le=100)] = 10
    content_max: Annotated[int, Field(ge=100, le=4000)] = 4000
    max_photos: Annotated[int, Field(ge=0, le=10)] = 5
    page_size: Annotated[int, Field(ge=1, le=20)] = 5
    # Voice notes and documents: a voice note up to `voice_max_seconds` long; documents of the
    # `document_types` (media types) up to `document_max_mb` (Telegram lets a bot fetch 20 MB
    # at most, and the file store must fetch it); `max_files` of both per case.
    voice_max_seconds: Annotated[int, Field(ge=10, le=900)] = 180
    document_max_mb: Annotated[int, Field(ge=1, le=20)] = 10
    document_types: tuple[MediaType, ...] = ("application/pdf", "image/jpeg", "image/png")
    max_files: Annotated[int, Field(ge=0, le=10)] = 5


class LimitsConfig(_Section):
    """What one person may send, so a flood or a wall of text cannot crowd out other people.

    `messages_per_minute` counts every message and button press of a citizen; officers are not
    counted, since the commune named them and their work comes in bursts. `cases_per_day` counts
    the cases a citizen filed in the last 24 hours. `note_max` bounds every text written into a
    case after filing (answers, questions, results, reasons, comments, recommendations);
    `topic_max` a booking's topic; neither may exceed what storage keeps (bot.domain.limits).
    A case's own content and photos are bounded in [intake]. A text over its limit is refused
    with the limit named, at the same step, so the writer shortens it and loses nothing.
    """

    messages_per_minute: Annotated[int, Field(ge=5, le=600)] = 30
    cases_per_day: Annotated[int, Field(ge=1, le=100)] = 5
    note_max: Annotated[int, Field(ge=100, le=NOTE_CEILING)] = 2000
    topic_max: Annotated[int, Field(ge=20, le=TOPIC_CEILING)] = 300


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
    question_resolve: Unit = _LAW.question_resolve.unit


class DeadlinesConfig(_Section):
    """The legal periods per kind, in days; defaults and sources in bot.domain.deadlines.

    feedback/petition: resolve 10 working days from receipt. complaint: accept 10 days from
    receipt; resolve 30 days from acceptance, 45 if complex, 45/60 when `remote_area`.
    denunciation: accept 7 working days from receipt, notify 5 working days from acceptance,
    resolve 30 days from acceptance, plus at most 2 extensions of 30 days. question: answer 3
    working days from receipt (the commune's own figure, no law's).
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
    # A citizen's question (❓ Hỏi xã): answered within 3 working days of receipt by default.
    question_resolve: Days = _LAW.question_resolve.count
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


class RemindersConfig(_Section):
    """When officers and leaders are reminded, in the commune's local time.

    Due-date reminders, overdue alerts and the daily digests all go out at `morning`; nothing
    is sent between `quiet_start` and `quiet_end` except to officers who asked for it (/nhandem).
    A reminder found more than `grace_hours` late after downtime is dropped (and logged), since
    it would only confuse; an overdue alert is never dropped.
    """

    due_soon_days: list[Annotated[int, Field(ge=1, le=30)]] = [3, 1]
    morning: LocalTime = time(7, 0)
    quiet_start: LocalTime = time(21, 0)
    quiet_end: LocalTime = time(6, 30)
    grace_hours: Annotated[int, Field(ge=1, le=72)] = 6
    # The evening before a reception session its host gets the list of bookings.
    bookings_at: LocalTime = time(18, 0)
    # How often the bot looks for due reminders; a reminder goes out at most this late.
    tick_seconds: Annotated[int, Field(ge=1, le=300)] = 30


class OutboxConfig(_Section):
    """How fast queued notices go out; Telegram's limits, with a margin.

    Telegram answers "429 Too Many Requests" above about 30 messages a second in all and about
    one a second to one chat. `max_per_second` paces every send; `per_chat_seconds` spaces the
    sends to one chat (its other messages wait while other chats' go); `batch` is how many
    messages one delivery run takes on at most.
    """

    max_per_second: Annotated[float, Field(gt=0, le=30)] = 25
    per_chat_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0
    batch: Annotated[int, Field(ge=1, le=1000)] = 200


class MonitoringConfig(_Section):
    """`GET /healthz` and Prometheus' `/metrics`, served by the bot on `listen`:`port`.

    Off unless asked for; on, it listens on the machine itself by default, since the figures
    are the commune's own business (they hold no personal data).
    """

    enabled: bool = False
    listen: Annotated[str, Field(min_length=1, max_length=255)] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 9464


class WebClient(_Section):
    """A system allowed to file cases through Open311's POST. Its key is read from the
    environment variable `key_env` only (`key` is filled from there when the config is loaded):
    a config file is shared and copied more than a key should be."""

    name: Id
    key_env: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")]
    key: SecretStr | None = None


class WebConfig(_Section):
    """The commune's public page and its Open311 API, served by the bot on `listen`:`port`.

    Off unless asked for: on, filing a phản ánh or kiến nghị asks whether it may be published.
    `base_url` is the address people reach it at (behind the commune's reverse proxy), used
    for links the bot gives out.
    """

    enabled: bool = False
    listen: Annotated[str, Field(min_length=1, max_length=255)] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    base_url: Annotated[str, Field(max_length=255, pattern=r"^(?:|https?://\S+)$")] = ""
    clients: list[WebClient] = []

    @model_validator(mode="after")
    def _one_name_each(self) -> WebConfig:
        names = [client.name for client in self.clients]
        if repeated := sorted({name for name in names if names.count(name) > 1}):
            raise ValueError(t("config.duplicate", value=repeated[0]))
        return self


class PrivacyConfig(_Section):
    """Personal data rights (Luật Bảo vệ dữ liệu cá nhân 2025, Nghị định 356/2025).

    A citizen's request to erase their data (/xoadulieu) is acknowledged at once and must be
    completed within `erasure_days` (the law allows 15 days at most); the Office is reminded
    two days before the end. Closed cases keep their record, but their personal data (contact
    details, phone numbers and e-mails in the text, the comment on the outcome) is erased
    `retention_days` after closing.
    """

    erasure_days: Annotated[int, Field(ge=3, le=15)] = 15
    retention_days: Annotated[int, Field(ge=30, le=36500)] = 1825
    # Where the key that seals denouncers' identities comes from; never from the database.
    # `key` is never written in the file: loading fills it from NGHE_DAN_SECRET_KEY or from
    # `key_file`, so the config file can be shared without it.
    key_file: Path | None = None
    key: SecretStr | None = None


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


_LONGEST_LEAD = timedelta(days=14)


def _lead(value: str) -> str:
    """A reminder lead, "1d" or "2h"; more than two weeks ahead is surely a typo ("14h" → "14d")."""
    try:
        lead = parse_lead(value)
    except ValueError:
        raise ValueError(t("config.bad_lead", value=value)) from None
    if lead > _LONGEST_LEAD:
        raise ValueError(t("config.lead_too_long", value=value))
    return value.strip()


Lead = Annotated[str, AfterValidator(_lead)]


class ReceptionConfig(_Section):
    """One `[[reception]]` entry: a citizen-reception session and how it repeats.

    `rule` is "weekly" (needs `weekday`, 1 = Monday), "monthly" (needs `day`; a shorter month uses
    its last day), "workdays" (every working day) or "once" (needs `date`, a TOML date). Which
    field goes with which rule, start before end and the host being an officer are checked in
    bot.config.checks, so every mistake is reported with its own path. A session on a day off
    moves to the next working day; see bot.domain.reception.
    """

    id: Id
    title: Text
    place: Text
    rule: Rule
    host: Annotated[int, Field(gt=0)] | None = None  # telegram_id of an officer in [[officers]]
    weekday: Annotated[int, Field(ge=1, le=7)] | None = None
    day: Annotated[int, Field(ge=1, le=31)] | None = None
    # Written `date` in the file; named `on` here so it does not hide the `date` type.
    on: Annotated[date | None, Field(alias="date")] = None
    start: LocalTime
    end: LocalTime
    remind_before: list[Lead] = ["1d", "2h"]


class Config(_Section):
    commune: CommuneConfig
    telegram: TelegramConfig = TelegramConfig()
    zalo: ZaloConfig = ZaloConfig()
    storage: StorageConfig = StorageConfig()
    intake: IntakeConfig = IntakeConfig()
    limits: LimitsConfig = LimitsConfig()
    calendar: CalendarConfig = CalendarConfig()
    deadlines: DeadlinesConfig = DeadlinesConfig()
    routing: RoutingConfig = RoutingConfig()
    reminders: RemindersConfig = RemindersConfig()
    outbox: OutboxConfig = OutboxConfig()
    monitoring: MonitoringConfig = MonitoringConfig()
    web: WebConfig = WebConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    departments: Annotated[list[Department], Field(min_length=1)]
    categories: Annotated[list[Category], Field(min_length=1)]
    officers: list[Officer] = []
    reception: list[ReceptionConfig] = []
    # The procedure catalog's file, read by loading (bot.config.procedures).
    procedures: ProceduresConfig = ProceduresConfig()

    def department(self, department_id: str) -> Department:
        return next(d for d in self.departments if d.id == department_id)

    def department_name(self, department_id: str | None) -> str:
        found = next((d for d in self.departments if d.id == department_id), None)
        return found.name if found else t("config.no_department")

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)
