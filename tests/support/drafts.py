"""Reading what the conversation store holds, as the bot would: with a key, drafts are sealed."""

from __future__ import annotations

from bot.config import Config, sealer


def opened(config: Config, data: object) -> str:
    """The stored JSON text of a conversation, unsealed with the config's key if it has one."""
    text = str(data)
    seal = sealer(config)
    return text if seal is None or text.startswith("{") else seal.open(text)
