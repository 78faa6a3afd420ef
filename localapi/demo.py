"""`nghe-dan demo`: the whole system on one machine, with no Telegram account and no token.

The real bot runs against the local Bot API server through `[telegram] base_url`, and against
the local Zalo API through `[zalo] base_url`, with a configuration derived from
config.example.toml (or, from `make run` without a token, from the commune's own config.toml)
and a fresh database; the web chat lets one person play the citizen on Telegram, a citizen on
Zalo, and every officer.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import tempfile
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from pydantic import SecretStr

from bot.config import (
    Config,
    Officer,
    StorageConfig,
    TelegramConfig,
    ZaloConfig,
    load_config,
)
from bot.domain.people import Role
from bot.sealing import generate_key
from bot.texts import t
from localapi.server import BotApiEmulator
from localapi.webchat import Person
from localapi.zalo import ZaloApiEmulator

TOKEN = "7000000001:local-demo-token-not-for-telegram"  # noqa: S105 - the local server's only
CITIZEN_ID = 200000001
ZALO_TOKEN = "7000000002:local-demo-zalo-token"  # noqa: S105 - the local Zalo API's only
ZALO_CITIZEN_ID = "zd3f8a1c5e"  # Zalo ids are strings
EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
DATABASE = "nghe-dan.sqlite3"
KEY_FILE = "secret.key"  # the demo's own key, so a tố cáo can be tried with its identity sealed
STAND_IN_IDS = 190000001  # the first telegram_id of the officers the demo adds to a commune's file


def _replaced(text: str, old: str, new: str) -> str:
    """A demo that silently kept Telegram's address or the real database would be dangerous."""
    if old not in text:
        raise LookupError(f"config.example.toml no longer has {old!r}: update localapi/demo.py")
    return text.replace(old, new, 1)


def _zalo_section(text: str, zalo_url: str) -> str:
    """[zalo] switched on, with the local Zalo API's token and address."""
    head, marker, section = text.partition("\n[zalo]\n")
    section = _replaced(section, "enabled = false", f'enabled = true\ntoken = "{ZALO_TOKEN}"')
    official = 'base_url = "https://bot-api.zaloplatforms.com"'
    section = _replaced(section, official, f'base_url = "{zalo_url}"')
    return head + marker + section


def config_text(example: str, base_url: str, zalo_url: str) -> str:
    """The example configuration, pointed at the local servers, with an officer per department
    and the Zalo channel on."""
    text = _replaced(example, 'token = ""', f'token = "{TOKEN}"')
    text = _replaced(text, 'base_url = "https://api.telegram.org"', f'base_url = "{base_url}"')
    text = _zalo_section(text, zalo_url)
    text = _replaced(text, 'path = "data/nghe-dan.sqlite3"', f'path = "{DATABASE}"')
    text = _replaced(text, f'# key_file = "{KEY_FILE}"', f'key_file = "{KEY_FILE}"')
    extra = (files("localapi") / "demo_officers.toml").read_text(encoding="utf-8")
    return f"{text.rstrip()}\n\n{extra}"


def _stand_ins(config: Config) -> list[Officer]:
    """An officer for each department that owns categories and has none, so that every case
    filed in the demo reaches a pane of its own department, as in the example's demo."""
    staffed = {o.department for o in config.officers if Role.OFFICER in o.roles}
    owners = dict.fromkeys(c.department for c in config.categories)
    taken = {o.telegram_id for o in config.officers}
    free = (n for n in range(STAND_IN_IDS, STAND_IN_IDS + 10_000) if n not in taken)
    return [
        Officer(
            telegram_id=next(free),
            name=t("demo.stand_in_name", department=config.department_name(department)),
            title=t("demo.stand_in_title"),
            department=department,
            roles=[Role.OFFICER],
        )
        for department in owners
        if department not in staffed
    ]


def own_config(config: Config, base_url: str, zalo_url: str, folder: Path, key: str) -> Config:
    """The commune's own settings (name, departments, categories, officers, schedule, limits)
    with everything that reaches the outside replaced: the local servers and their tokens,
    polling, the demo's database and key. The commune's file itself is only read."""
    return config.model_copy(
        update={
            "telegram": TelegramConfig(token=SecretStr(TOKEN), base_url=base_url),
            "zalo": ZaloConfig(enabled=True, token=SecretStr(ZALO_TOKEN), base_url=zalo_url),
            "storage": StorageConfig(path=folder / DATABASE),
            "privacy": config.privacy.model_copy(update={"key_file": None, "key": SecretStr(key)}),
            "officers": [*config.officers, *_stand_ins(config)],
        }
    )


def zalo_people() -> list[Person]:
    """The Zalo pane: a citizen who writes to the commune's Zalo bot instead."""
    name, role = t("demo.zalo_citizen_name"), t("demo.zalo_citizen_role")
    return [Person(ZALO_CITIZEN_ID, name, role, channel="zalo")]


def people(config: Config) -> list[Person]:
    """The panes: the citizen, each department's officers, the leaders, then the supervisors."""
    departments = {department.id: department.name for department in config.departments}
    citizen = Person(CITIZEN_ID, t("demo.citizen_name"), t("demo.citizen_role"))
    staff = sorted(
        config.officers,
        key=lambda o: (Role.SUPERVISOR in o.roles, Role.LEADER in o.roles, o.department is None),
    )
    panes = [citizen]
    for officer in staff:
        role = officer.title or ", ".join(role.value for role in officer.roles)
        if officer.department in departments:
            role = f"{role} · {departments[officer.department]}"
        panes.append(Person(officer.telegram_id, officer.name, role))
    return panes


async def _wait_for_polling(server: BotApiEmulator, bot: asyncio.Task[None]) -> None:
    """The page is worth opening once the bot asks for updates (or never, if it stopped)."""
    polled = asyncio.create_task(server.polled.wait())
    await asyncio.wait((bot, polled), return_when=asyncio.FIRST_COMPLETED)
    polled.cancel()


async def _demo(folder: Path, port: int, say: Callable[[str], None], own: Config | None) -> int:
    from handlers.wiring.serving import serve  # noqa: PLC0415 - the Telegram stack loads only to run the bot

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server = BotApiEmulator(TOKEN, bot_username="nghe_dan_demo_bot")
    zalo = ZaloApiEmulator(ZALO_TOKEN)
    try:
        await server.start(port=port)
    except OSError:
        await server.start()  # the usual port is taken: any free one will do
    await zalo.start()  # the page reaches Zalo's users through the server: any port will do
    try:
        key_file = folder / KEY_FILE
        if not key_file.exists():
            key_file.write_text(generate_key() + "\n", encoding="ascii")
        for suffix in ("", "-wal", "-shm"):  # a fresh database: nothing of the last run's
            (folder / f"{DATABASE}{suffix}").unlink(missing_ok=True)
        if own is None:
            config_file = folder / "config.toml"
            example = EXAMPLE.read_text(encoding="utf-8")
            text = config_text(example, server.base_url, zalo.base_url)
            config_file.write_text(text, encoding="utf-8")
            config = load_config(config_file, environ={})
        else:
            key = key_file.read_text(encoding="ascii").strip()
            config = own_config(own, server.base_url, zalo.base_url, folder, key)
        citizen, *staff = people(config)
        server.add_people([citizen])  # the two citizens first, side by side
        server.add_zalo_people(zalo, zalo_people())
        server.add_people(staff)
        bot = asyncio.create_task(serve(config, stop))
        await _wait_for_polling(server, bot)
        if not bot.done():
            say(t("demo.ready", url=server.base_url, folder=folder))
            say(t("demo.ready_en", url=server.base_url))
        await bot
    finally:
        await server.stop()
        await zalo.stop()
    return 0


def run_demo(
    folder: Path | None, port: int, say: Callable[[str], None], own: Config | None = None
) -> int:
    """Run until Ctrl-C, on the commune's `own` settings if given, else on the example's; a
    temporary folder (the default) is removed afterwards."""
    if own is None and not EXAMPLE.exists():  # installed without the example's source tree
        say(t("demo.no_example", path=EXAMPLE))
        return 1
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        return asyncio.run(_demo(folder, port, say, own))
    temporary = Path(tempfile.mkdtemp(prefix="nghe-dan-demo-"))
    try:
        return asyncio.run(_demo(temporary, port, say, own))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
