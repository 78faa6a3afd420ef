"""/baocao on Telegram: pick a period, get the summary, the Excel file and the chart.

For leaders, admins and the Office's officers (who compile the periodic reports); the right is
checked again at every step, since an admin may change someone's roles in between. The period
is a tap, a number, a word, or two dates typed (also straight after the command:
`/baocao 01/01/2026 31/03/2026`); a wrong date is explained and asked again, nothing else lost.
"""

from __future__ import annotations

import asyncio
from datetime import date

from telegram import Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.report_text import (
    CUSTOM,
    dates_prompt,
    day,
    period_options,
    period_prompt,
    summary_text,
)
from bot.domain.choices import Nav, match_nav
from bot.domain.figures import (
    Period,
    PeriodError,
    Preset,
    may_see_reports,
    parse_period,
    preset_period,
)
from bot.domain.people import Officer
from bot.messages import Choice, Text
from bot.report_files.chart import chart_png
from bot.report_files.excel import file_name, workbook_bytes
from bot.services.reporting import build_report
from bot.texts import t
from handlers.officer.desk import current_officer
from handlers.telegram.context import Context
from handlers.telegram.render import (
    chosen,
    event_of,
    reply_target,
    retire_buttons,
    send_prompt,
    send_text,
)

END = ConversationHandler.END
PICK = "pick"
DATES = "dates"


def _today(context: Context) -> date:
    services = context.services
    return services.clock.now().astimezone(services.config.commune.zone).date()


async def _reporter(update: Update, context: Context) -> tuple[Officer, Message] | None:
    """The officer asking and where to answer, if they may see reports; else a polite no."""
    message = reply_target(update)
    if update.callback_query is not None:
        await update.callback_query.answer()
    officer = await current_officer(update, context)
    if message is None:
        return None
    if officer is None:
        await message.reply_text(t("officer.only_officers"))
        return None
    if not may_see_reports(officer, context.services.config.routing.triage_department):
        await message.reply_text(t("report.only_staff"))
        return None
    return officer, message


async def begin(update: Update, context: Context) -> str | int:
    """/baocao: the period question, or the report at once when the dates came with it."""
    reporter = await _reporter(update, context)
    if reporter is None:
        return END
    _, message = reporter
    typed = " ".join(context.args or []).strip()
    if not typed:
        await send_prompt(message, period_prompt())
        return PICK
    return await _from_dates(message, context, typed)


async def _from_dates(message: Message, context: Context, typed: str) -> str | int:
    try:
        period = parse_period(typed, _today(context))
    except PeriodError as error:
        await send_prompt(message, dates_prompt(error.reason))
        return DATES
    return await _report(message, context, period)


async def on_pick(update: Update, context: Context) -> str | int:
    """A preset, "from–to", or two dates typed straight away."""
    reporter = await _reporter(update, context)
    if reporter is None:
        return END
    _, message = reporter
    event = event_of(update)
    if _is_nav(event, Nav.CANCEL):
        return await _cancelled(update, message)
    option = chosen(event, period_options())
    if option is not None:
        await retire_buttons(update)
        if option.key == CUSTOM:
            await send_prompt(message, dates_prompt())
            return DATES
        return await _report(message, context, preset_period(Preset(option.key), _today(context)))
    if isinstance(event, Text) and any(ch.isdigit() for ch in event.text):
        return await _from_dates(message, context, event.text)
    await send_prompt(message, period_prompt(t("report.not_understood")))
    return PICK


async def on_dates(update: Update, context: Context) -> str | int:
    """The two dates; "back" returns to the presets, and a preset button still works."""
    reporter = await _reporter(update, context)
    if reporter is None:
        return END
    _, message = reporter
    event = event_of(update)
    if _is_nav(event, Nav.CANCEL):
        return await _cancelled(update, message)
    if _is_nav(event, Nav.BACK):
        await retire_buttons(update)
        await send_prompt(message, period_prompt())
        return PICK
    if isinstance(event, Choice):
        preset = next((p for p in Preset if p.value == event.key), None)
        if preset is not None:
            await retire_buttons(update)
            return await _report(message, context, preset_period(preset, _today(context)))
    if not isinstance(event, Text):
        await message.reply_text(t("report.need_text"))
        return DATES
    return await _from_dates(message, context, event.text)


def _is_nav(event: object, nav: Nav) -> bool:
    if isinstance(event, Text):
        return match_nav(event.text) is nav
    return isinstance(event, Choice) and event.key == nav.value


async def _cancelled(update: Update, message: Message) -> int:
    await retire_buttons(update)
    await message.reply_text(t("report.cancelled"))
    return END


async def cancel(update: Update, context: Context) -> int:
    message = reply_target(update)
    if message is not None:
        await message.reply_text(t("report.cancelled"))
    return END


async def _report(message: Message, context: Context, period: Period) -> int:
    """Say it is coming, then the summary, the workbook and the chart."""
    services = context.services
    config = services.config
    start, end = day(period.start), day(period.end)
    await message.reply_text(t("report.working", start=start, end=end))
    report = await build_report(services.db, config, services.clock, period)
    # Building the workbook and drawing the chart are CPU work: off the event loop.
    workbook = await asyncio.to_thread(workbook_bytes, report, config)
    chart = await asyncio.to_thread(chart_png, report, config)
    await send_text(message, summary_text(report, config))
    await message.reply_document(
        document=workbook,
        filename=file_name(period),
        caption=t("report.document_caption", start=start, end=end),
    )
    await message.reply_photo(photo=chart, caption=t("report.chart_caption"))
    return END


def conversation() -> ConversationHandler[Context]:
    return ConversationHandler(
        entry_points=[CommandHandler("baocao", begin)],
        states={
            PICK: [
                CallbackQueryHandler(on_pick, pattern=r"^report\.period\|"),
                MessageHandler(filters.ALL & ~filters.COMMAND, on_pick),
            ],
            DATES: [
                CallbackQueryHandler(on_dates, pattern=r"^report\.period\|"),
                MessageHandler(filters.ALL & ~filters.COMMAND, on_dates),
            ],
        },
        fallbacks=[CommandHandler("huy", cancel)],
        name="report",
        persistent=True,
        allow_reentry=True,
    )
