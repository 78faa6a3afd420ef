"""The commune's settings: sections, checks across them, loading, and what the domain builds
from them. Import from here; the submodules are an internal layout."""

from bot.config.checks import TOKEN_ENV, WEBHOOK_SECRET_ENV, Problem, cross_check
from bot.config.derived import deadline_rules, reception_rules, routing_rules, work_calendar
from bot.config.loading import ConfigError, load_config
from bot.config.sections import (
    CalendarConfig,
    Category,
    CommuneConfig,
    Config,
    DeadlinesConfig,
    DeadlineUnits,
    Department,
    IntakeConfig,
    LimitsConfig,
    Officer,
    OutboxConfig,
    PrivacyConfig,
    ReceptionConfig,
    RemindersConfig,
    RoutingConfig,
    StorageConfig,
    TelegramConfig,
)

__all__ = [
    "TOKEN_ENV",
    "WEBHOOK_SECRET_ENV",
    "CalendarConfig",
    "Category",
    "CommuneConfig",
    "Config",
    "ConfigError",
    "DeadlineUnits",
    "DeadlinesConfig",
    "Department",
    "IntakeConfig",
    "LimitsConfig",
    "Officer",
    "OutboxConfig",
    "PrivacyConfig",
    "Problem",
    "ReceptionConfig",
    "RemindersConfig",
    "RoutingConfig",
    "StorageConfig",
    "TelegramConfig",
    "cross_check",
    "deadline_rules",
    "load_config",
    "reception_rules",
    "routing_rules",
    "work_calendar",
]
