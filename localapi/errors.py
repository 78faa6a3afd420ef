"""Failures in the shape Telegram answers them: `{"ok": false, "error_code", "description"}`."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """An API failure; the HTTP layer turns it into Telegram's error JSON shape."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def number(
    params: JSON, key: str, kind: type[int] | type[float], default: float | None = None
) -> Any:
    """Form encodings send numbers as strings; Telegram coerces them, so do we."""
    value = params.get(key, default)
    if value is None or value == "":
        raise bad(f"{key} is empty")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise bad(f"invalid {key} specified") from None


def flag(params: JSON, key: str) -> bool:
    value = params.get(key, False)
    return value.lower() in ("true", "1") if isinstance(value, str) else bool(value)
