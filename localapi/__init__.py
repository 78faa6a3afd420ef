"""A local, Bot API-compatible server: the end-to-end test bed and the token-free demo."""

from localapi.errors import JSON, ApiError
from localapi.files import UploadedFile
from localapi.server import BotApiEmulator
from localapi.webchat import Person

__all__ = ["JSON", "ApiError", "BotApiEmulator", "Person", "UploadedFile"]
