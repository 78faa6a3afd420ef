"""Logging that never carries a secret or a citizen's words.

A Bot API URL contains the token, and the libraries put URLs in log lines and in exception
messages; the sealing key must never appear anywhere. Every handler of the root logger gets a
filter that replaces the known secrets (and anything shaped like a bot token, and a password in
a database URL) in the message, its arguments and the formatted traceback. The chat library's
debug lines carry whole messages and updates, and the database driver's carry every SQL
parameter (what citizens wrote, their names and phones), so both log at INFO at most, even with
`--verbose`.
"""

from __future__ import annotations

import logging
import re

REDACTED = "«redacted»"
# A Telegram bot token: the bot's number, a colon, 35 URL-safe characters.
_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
# A password inside a PostgreSQL URL, `postgresql://user:password@host` or `?password=…`: the
# config refuses one, but a URL from elsewhere (an error message, the environment) may carry it.
_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^\s:/@]*:)[^\s@]*@", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&\s]*", re.IGNORECASE)
# Loggers whose debug lines hold message texts, updates, request URLs or SQL parameters.
_CHATTY = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.INFO,
    # boto3's debug lines carry signed request headers (the access key's id among them).
    "boto3": logging.WARNING,
    "botocore": logging.WARNING,
    "s3transfer": logging.WARNING,
    "urllib3": logging.WARNING,
}


class SecretFilter(logging.Filter):
    """Replaces secrets in every record that passes; never drops a record."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        self._secrets |= {s for s in secrets if s and len(s) >= 8}

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        text = _URL_PASSWORD.sub(rf"\g<1>{REDACTED}@", text)
        text = _QUERY_PASSWORD.sub(rf"\g<1>{REDACTED}", text)
        return _TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


SECRETS = SecretFilter()


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(SECRETS)
    for name, level in _CHATTY.items():
        logging.getLogger(name).setLevel(level)
    # The scheduler logs every run of every job; the bot logs what the jobs did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Subsetting a poster's font logs every table and glyph it keeps.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
