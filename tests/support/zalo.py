"""Zalo citizens chatting with the real Application: their messages go through the Zalo Bot API
emulator and the bot's real Zalo client, so a test reads exactly what each Zalo chat received."""

from __future__ import annotations

from collections.abc import Callable

from handlers.telegram.context import App
from handlers.zalo.channel import ZaloChannel
from localapi.zalo import ZaloApiEmulator, ZaloSent

ZALO_TOKEN = "123:zalo-test"


def zalo_channel(app: App) -> ZaloChannel:
    channel = app.bot_data.zalo
    if channel is None:
        raise AssertionError("the application was built without [zalo] enabled")
    channel.feed = app.process_update  # no running update loop in handler tests
    return channel


class ZaloPhone:
    """One Zalo citizen: does one thing, the bot fetches and handles it, the answer is read."""

    def __init__(self, emu: ZaloApiEmulator, app: App, user_id: str) -> None:
        self.emu = emu
        self.app = app
        self.user_id = user_id
        self.channel = zalo_channel(app)

    async def _act(self, act: Callable[[], object]) -> list[ZaloSent]:
        seen = len(self.emu.sent_to(self.user_id))
        act()
        for update in await self.channel.api.get_update():
            await self.channel.receive(update)
        await self.app.bot_data.deliverer.deliver_due()
        return self.emu.sent_to(self.user_id)[seen:]

    async def says(self, text: str) -> list[ZaloSent]:
        return await self._act(lambda: self.emu.user_sends_text(self.user_id, text))

    async def sends_image(self, caption: str = "") -> list[ZaloSent]:
        return await self._act(lambda: self.emu.user_sends_image(self.user_id, caption=caption))

    async def sends_sticker(self) -> list[ZaloSent]:
        return await self._act(lambda: self.emu.user_sends_sticker(self.user_id))

    async def sends_unsupported(self) -> list[ZaloSent]:
        return await self._act(lambda: self.emu.user_sends_unsupported(self.user_id))

    async def redelivers(self) -> list[ZaloSent]:
        return await self._act(lambda: self.emu.redeliver_last(self.user_id))

    def last(self) -> str:
        return self.emu.sent_to(self.user_id)[-1].text

    def number_of(self, label: str) -> str:
        """The number written before `label` in the newest message that lists it."""
        for sent in reversed(self.emu.sent_to(self.user_id)):
            for line in sent.text.splitlines():
                number, _, rest = line.partition(". ")
                if number.isdigit() and label in rest:
                    return number
        raise AssertionError(f"no numbered {label!r} in {self.emu.sent_to(self.user_id)}")

    async def picks(self, label: str) -> list[ZaloSent]:
        """Type the number of the choice labelled `label`, as a Zalo citizen does."""
        return await self.says(self.number_of(label))
