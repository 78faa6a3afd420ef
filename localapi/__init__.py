"""A local, Bot API-compatible server: the end-to-end test bed and the token-free demo."""

from localapi.server import JSON, ApiError, BotApiEmulator, UploadedFile

__all__ = ["JSON", "ApiError", "BotApiEmulator", "UploadedFile"]
