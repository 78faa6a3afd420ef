"""How `nghe-dan check-config` shows a good file: one screen that lets the IT officer see it was
read as they meant, with nothing secret in it (a token or key is only said to be there)."""

from __future__ import annotations

from bot.config import Config, ReceptionConfig, sealer
from bot.domain.reception import Rule
from bot.texts import t


def _receiving(config: Config) -> str:
    telegram = config.telegram
    if telegram.mode == "polling":
        return t("config.summary.polling")
    return t(
        "config.summary.webhook",
        url=telegram.webhook_url,
        listen=telegram.listen,
        port=telegram.port,
        secret=t("config.summary.token_set"),
    )


def _zalo(config: Config) -> str:
    zalo = config.zalo
    if not zalo.enabled:
        return t("config.summary.zalo_off")
    token = t("config.summary.token_set")
    if zalo.mode == "polling":
        return t("config.summary.zalo_polling", server=zalo.base_url, token=token)
    return t(
        "config.summary.zalo_webhook",
        server=zalo.base_url,
        token=token,
        url=zalo.webhook_url,
        listen=zalo.listen,
        port=zalo.port,
        secret=token,
    )


def _monitoring(config: Config) -> str:
    monitoring = config.monitoring
    if not monitoring.enabled:
        return t("config.summary.monitoring_off")
    return t("config.summary.monitoring", listen=monitoring.listen, port=monitoring.port)


def _officers(config: Config) -> list[str]:
    """Each officer with the department their cases come from, the easiest thing to get wrong."""
    lines = []
    for officer in config.officers:
        title = f", {officer.title}" if officer.title else ""
        roles = ", ".join(role.value for role in officer.roles)
        department = (
            config.department_name(officer.department)
            if officer.department is not None
            else t("config.summary.no_department")
        )
        lines.append(f"    {officer.telegram_id} {officer.name}{title}: {roles} · {department}")
    return lines


def _when(session: ReceptionConfig) -> str:
    if session.rule is Rule.WEEKLY:
        return t("config.summary.weekly", weekday=t(f"reception.weekday.{session.weekday}"))
    if session.rule is Rule.MONTHLY:
        return t("config.summary.monthly", day=session.day)
    if session.rule is Rule.ONCE and session.on is not None:
        return t("config.summary.once", date=session.on.strftime("%d/%m/%Y"))
    return t("config.summary.workdays")


def _reception(config: Config) -> list[str]:
    """The sessions as citizens will read them, so a weekday off by one shows here first."""
    names = {officer.telegram_id: officer.name for officer in config.officers}
    lines = [t("config.summary.reception", count=len(config.reception))]
    for session in config.reception:
        line = t(
            "config.summary.session",
            id=session.id,
            title=session.title,
            when=_when(session),
            start=session.start.strftime("%H:%M"),
            end=session.end.strftime("%H:%M"),
            place=session.place,
        )
        host = names.get(session.host) if session.host is not None else None
        lines.append(f"    {line}{t('config.summary.host', name=host) if host else ''}")
    return lines


def _files(config: Config) -> str:
    storage = config.storage
    if storage.files_url is None:
        return t("config.summary.files", value=storage.files_folder)
    keys = storage.files_access_key_id is not None
    return t(
        "config.summary.files_s3",
        url=storage.files_url,
        endpoint=storage.files_endpoint or t("config.summary.files_s3_aws"),
        keys=t(
            "config.summary.files_s3_keys_set" if keys else "config.summary.files_s3_keys_default"
        ),
    )


def _web(config: Config) -> str:
    web = config.web
    if not web.enabled:
        return t("config.summary.web_off")
    clients = ", ".join(client.name for client in web.clients) or t("config.summary.web_no_clients")
    return t("config.summary.web", listen=web.listen, port=web.port, clients=clients)


def summary(config: Config) -> str:
    """One screen that lets the IT officer see the file was read as they meant."""
    lines = [
        t("config.summary.commune", name=config.commune.name, code=config.commune.code),
        t("config.summary.timezone", value=config.commune.timezone),
        t("config.summary.server", value=config.telegram.base_url),
        t("config.summary.token", value=t("config.summary.token_set")),
        _receiving(config),
        _zalo(config),
        _monitoring(config),
        _web(config),
        t("config.summary.storage", value=config.storage.url or config.storage.path),
        _files(config),
        t(
            "config.summary.key",
            value=t("config.summary.key_set" if sealer(config) else "config.summary.key_missing"),
        ),
        t("config.summary.departments", count=len(config.departments)),
        *(f"    {d.id}: {d.name}" for d in config.departments),
        t("config.summary.categories", count=len(config.categories)),
        *(f"    {c.id}: {c.name} → {c.department}" for c in config.categories),
        t("config.summary.officers", count=len(config.officers)),
        *_officers(config),
        *_reception(config),
        t(
            "config.summary.routing",
            complaint=config.routing.complaint.value,
            denunciation=config.routing.denunciation.value,
            triage=config.routing.triage_department,
        ),
        t(
            "config.summary.calendar",
            off=len(config.calendar.extra_days_off),
            working=len(config.calendar.extra_working_days),
            remote=t("config.summary.yes" if config.deadlines.remote_area else "config.summary.no"),
        ),
        t(
            "config.summary.limits",
            messages=config.limits.messages_per_minute,
            cases=config.limits.cases_per_day,
            photos=config.intake.max_photos,
            content=config.intake.content_max,
            note=config.limits.note_max,
        ),
        t(
            "config.summary.media",
            files=config.intake.max_files,
            seconds=config.intake.voice_max_seconds,
            mb=config.intake.document_max_mb,
            types=", ".join(config.intake.document_types),
        ),
        t(
            "config.summary.privacy",
            erasure=config.privacy.erasure_days,
            retention=config.privacy.retention_days,
        ),
        _procedures(config),
    ]
    return "\n".join(lines)


def _procedures(config: Config) -> str:
    content = config.procedures.content
    count = len(content.procedures) if content is not None else 0
    return t("procedures.summary", count=count, file=config.procedures.file)
