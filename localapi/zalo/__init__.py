"""A local Zalo Bot Platform API: the end-to-end test bed of the bot's Zalo channel."""

from localapi.zalo.server import ZaloApiEmulator, ZaloSent

__all__ = ["ZaloApiEmulator", "ZaloSent"]
