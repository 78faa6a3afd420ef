"""The emulator and a config file pointing the bot at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localapi import BotApiEmulator
from tests.conftest import ROOT, TOKEN


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emu:
        yield emu


@pytest.fixture
def config_file(tmp_path: Path, emulator: BotApiEmulator) -> Path:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace('token = ""', f'token = "{TOKEN}"')
    text = text.replace(
        'base_url = "https://api.telegram.org"', f'base_url = "{emulator.base_url}"'
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path
