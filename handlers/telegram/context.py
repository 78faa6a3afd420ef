"""The typed callback context: handlers reach the use cases through `context.services`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.dialogs.menu import WaitingLinks
from bot.domain.guide import GuideIndex
from bot.domain.limits import RateLimiter
from bot.services import Services
from bot.services.case_files import CaseFiles
from bot.services.file_keeping import FileKeeper
from bot.services.gates import Opened
from bot.services.outbox import Deliverer
from bot.services.turns import Turns
from handlers.telegram.metrics import Metrics

if TYPE_CHECKING:
    from handlers.zalo.channel import ZaloChannel

UserData = dict[str, Any]
ChatData = dict[Any, Any]
DRAFT_KEY = "draft"  # the citizen's half-written case, in their user data (handlers.intake)


class OpenedUpdates:
    """What the gates read of each update being handled (bot.services.gates), from before its
    handlers run until they end: the Application reads it, the gates' handlers use it."""

    def __init__(self) -> None:
        # By the update object's identity: two channels' updates may share an update_id.
        self._opened: dict[int, Opened] = {}

    @contextmanager
    def during(self, update: Update, opened: Opened) -> Iterator[None]:
        self._opened[id(update)] = opened
        try:
            yield
        finally:
            del self._opened[id(update)]

    def of(self, update: Update) -> Opened:
        return self._opened[id(update)]


class BotData:
    """Application-wide state; holds the services, which are wired once at start-up."""

    def __init__(self) -> None:
        self._services: Services | None = None
        self._deliverer: Deliverer | None = None
        self._limiter: RateLimiter | None = None
        self.zalo: ZaloChannel | None = None  # None unless [zalo] is enabled
        self._metrics: Metrics | None = None
        self._turns: Turns | None = None
        self._keeper: FileKeeper | None = None
        self._files: CaseFiles | None = None
        # The guide's search index, built once at start (bot.services.guide.build_index).
        self.guide = GuideIndex(())
        self.links = WaitingLinks()  # /start links waiting for their person's consent
        self.opened = OpenedUpdates()

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are not wired yet")
        return self._services

    @services.setter
    def services(self, services: Services) -> None:
        self._services = services

    @property
    def deliverer(self) -> Deliverer:
        if self._deliverer is None:
            raise RuntimeError("the outbox deliverer is not wired yet")
        return self._deliverer

    @deliverer.setter
    def deliverer(self, deliverer: Deliverer) -> None:
        self._deliverer = deliverer

    @property
    def metrics(self) -> Metrics:
        """Counted always; served only when [monitoring] is enabled."""
        if self._metrics is None:
            raise RuntimeError("the metrics are not wired yet")
        return self._metrics

    @metrics.setter
    def metrics(self, metrics: Metrics) -> None:
        self._metrics = metrics

    @property
    def turns(self) -> Turns:
        """This process's side of people's turns; used only on a shared database."""
        if self._turns is None:
            raise RuntimeError("the turns are not wired yet")
        return self._turns

    @turns.setter
    def turns(self, turns: Turns) -> None:
        self._turns = turns

    @property
    def keeper(self) -> FileKeeper:
        """Downloads the cases' attachments into the file store, in every process."""
        if self._keeper is None:
            raise RuntimeError("the file keeper is not wired yet")
        return self._keeper

    @keeper.setter
    def keeper(self, keeper: FileKeeper) -> None:
        self._keeper = keeper

    @property
    def files(self) -> CaseFiles:
        """A case's kept files as they go to staff (cards, /hoso)."""
        if self._files is None:
            raise RuntimeError("the case files are not wired yet")
        return self._files

    @files.setter
    def files(self, files: CaseFiles) -> None:
        self._files = files

    @property
    def limiter(self) -> RateLimiter:
        if self._limiter is None:
            raise RuntimeError("the rate limiter is not wired yet")
        return self._limiter

    @limiter.setter
    def limiter(self, limiter: RateLimiter) -> None:
        self._limiter = limiter


class Context(CallbackContext[ExtBot[None], UserData, ChatData, BotData]):
    # Made once per update and shared by all its handlers.
    # A handler of this update asked its question, or left it the last message: nothing open
    # is asked again after it (handlers.menu.ask_open_question).
    question_kept: bool = False

    @property
    def services(self) -> Services:
        return self.bot_data.services

    def draft_open(self) -> bool:
        return DRAFT_KEY in (self.user_data or {})


App = Application[ExtBot[None], Context, UserData, ChatData, BotData, JobQueue[Context]]
