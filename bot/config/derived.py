"""The domain's own objects built from config: the calendar, the deadlines, the routing rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache

from bot.config.sections import Config
from bot.domain.calendar import WorkCalendar
from bot.domain.deadlines import DeadlineRules, Period
from bot.domain.reception import SessionRule, parse_lead
from bot.domain.routing import RoutingRules
from bot.domain.tickets import Kind
from bot.sealing import Sealer

MAX_PORT = 65535


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
        question_resolve=period("question_resolve"),
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


def reception_rules(config: Config) -> list[SessionRule]:
    """The [[reception]] entries as schedule rules, in the file's order.

    Reminder leads are kept once each, the earliest first, so "2h" written twice does not remind
    twice; the config checks have already made sure each rule has the day it needs.
    """
    return [
        SessionRule(
            id=entry.id,
            title=entry.title,
            place=entry.place,
            rule=entry.rule,
            start=entry.start,
            end=entry.end,
            host=entry.host,
            weekday=entry.weekday,
            day=entry.day,
            on=entry.on,
            remind_before=tuple(
                sorted({parse_lead(lead) for lead in entry.remind_before}, reverse=True)
            ),
        )
        for entry in config.reception
    ]


def sealer(config: Config) -> Sealer | None:
    """What seals denouncers' identities, or None without a key (tố cáo are then refused)."""
    key = config.privacy.key
    return _sealer(key.get_secret_value()) if key is not None else None


def takes_denunciations(config: Config) -> bool:
    """Without a key a denouncer's identity could only be stored in clear, so none is taken."""
    return config.privacy.key is not None


@cache
def _sealer(key: str) -> Sealer:
    return Sealer(key)


class PortOffsetError(ValueError):
    """A port moved past 65535; `port` is the one that would have been listened on."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.port = port


def with_port_offset(config: Config, offset: int) -> Config:
    """The config as one of several processes on one machine sees it: every port it listens
    on (the Telegram and Zalo webhooks, monitoring) moved up by `offset`.

    Several processes share one config file, and the file can give them only one port each;
    `nghe-dan run --port-offset` gives each its own, and nginx lists them (deploy/).
    """
    if offset == 0:
        return config
    sections = {
        name: getattr(config, name).model_copy(update={"port": getattr(config, name).port + offset})
        for name in ("telegram", "zalo", "monitoring")
    }
    for section in sections.values():
        if section.port > MAX_PORT:
            raise PortOffsetError(section.port)
    return config.model_copy(update=sections)
