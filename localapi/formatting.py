"""Message text as Telegram stores it: parse_mode applied, entities in UTF-16 offsets."""

from __future__ import annotations

import html.parser
import re

from localapi.errors import JSON, bad

# fmt: off
_HTML_TAGS = {  # tag -> MessageEntity type, as listed under "HTML style" in the Bot API docs
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "code": "code", "pre": "pre", "a": "text_link", "tg-spoiler": "spoiler", "span": "spoiler",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
# fmt: on


def utf16_len(text: str) -> int:
    """Telegram counts entity offsets in UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(html.parser.HTMLParser):
    """parse_mode=HTML the strict way Telegram does it.

    Why: a bot that forgets to escape user input gets "can't parse entities" from Telegram;
    the server must fail the same way instead of hiding the bug.
    """

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.entities, self._open = "", list[JSON](), list[tuple[str, int, JSON]]()
        if match := re.search(r"<(?!/?[a-zA-Z])", source):
            raise bad(f"can't parse entities: Unsupported start tag at offset {match.start()}")
        self.feed(source)
        self.close()
        if self._open:
            raise bad(f"can't parse entities: Can't find end tag for \"{self._open[-1][0]}\"")
        self.entities.sort(key=lambda entity: int(entity["offset"]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise bad(f'can\'t parse entities: Unsupported start tag "{tag}"')
        entity: JSON = {"type": _HTML_TAGS[tag]}
        if tag == "a":
            entity["url"] = dict(attrs).get("href") or ""
        self._open.append((tag, utf16_len(self.text), entity))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            raise bad(f'can\'t parse entities: Unexpected end tag "{tag}"')
        _, start, entity = self._open.pop()
        if length := utf16_len(self.text) - start:
            self.entities.append({**entity, "offset": start, "length": length})

    def handle_data(self, data: str) -> None:
        self.text += data


def formatted(params: JSON, field: str) -> JSON:
    """Apply parse_mode to "text" or "caption"; returns the message fields to store."""
    entities_key = "entities" if field == "text" else "caption_entities"
    text, entities = str(params.get(field) or ""), params.get(entities_key) or []
    mode = str(params.get("parse_mode") or "").lower()
    if mode not in ("", "html", "markdown", "markdownv2"):
        raise bad("unsupported parse_mode")
    if mode == "html":  # Markdown modes are stored verbatim, without validation
        parsed = _TelegramHtml(text)
        text, entities = parsed.text, parsed.entities
    if not text.strip():
        if field == "text":
            raise bad("message text is empty")
        return {}
    if len(text) > (4096 if field == "text" else 1024):
        raise bad("message is too long" if field == "text" else "message caption is too long")
    return {field: text, entities_key: entities} if entities else {field: text}


def command_entities(text: str) -> list[JSON]:
    """A leading "/command" gets its bot_command entity, as Telegram's clients send it."""
    if not text.startswith("/"):
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(text.split(maxsplit=1)[0])}]
