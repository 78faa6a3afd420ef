"""Reading `config.toml`: the only place that reads the environment.

Every problem is reported with the path of the field it concerns, all in one run, so the
commune's IT officer can fix a whole file at once instead of meeting errors one start-up at a time.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import SecretStr, TypeAdapter, ValidationError

from bot.config.checks import (
    DATABASE_URL_ENV,
    LIST_KEYS,
    S3_KEY_ENVS,
    SECRET_KEY_ENV,
    TOKEN_ENV,
    WEBHOOK_SECRET_ENV,
    ZALO_SECRET_ENV,
    ZALO_TOKEN_ENV,
    Kept,
    Problem,
    cross_check,
)
from bot.config.procedures import ProceduresConfig, read_catalog
from bot.config.sections import Config, PrivacyConfig, StorageConfig, WebConfig
from bot.sealing import valid_key
from bot.texts import t


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# Pydantic's error types, told in the catalog's words (Vietnamese, English beside): its own
# messages are English only and speak of "Input", which a commune's IT person did not write.
_PYDANTIC_MESSAGES = {
    "missing": "config.missing",
    "extra_forbidden": "config.unknown_field",
    "string_pattern_mismatch": "config.bad_format",
    "url_parsing": "config.bad_format",
    "url_scheme": "config.bad_format",
    "too_short": "config.too_short",
    "string_too_short": "config.too_short",
    "too_long": "config.too_long",
    "string_too_long": "config.too_long",
    "string_type": "config.not_text",
    "int_type": "config.not_whole_number",
    "int_parsing": "config.not_whole_number",
    "int_from_float": "config.not_whole_number",
    "float_type": "config.not_number",
    "float_parsing": "config.not_number",
    "bool_type": "config.not_true_false",
    "bool_parsing": "config.not_true_false",
    "list_type": "config.not_list",
    "dict_type": "config.not_table",
    "model_type": "config.not_table",
    "model_attributes_type": "config.not_table",
    "date_type": "config.not_date",
    "date_parsing": "config.not_date",
    "date_from_datetime_parsing": "config.not_date",
    "date_from_datetime_inexact": "config.not_date",
}
_LIMITS = {
    "less_than_equal": ("config.too_big", "le"),
    "greater_than_equal": ("config.too_small", "ge"),
    "greater_than": ("config.not_above", "gt"),
    "less_than": ("config.not_below", "lt"),
}


def _message(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    key = _PYDANTIC_MESSAGES.get(kind)
    if key:
        return t(key)
    if kind in _LIMITS:
        key, bound = _LIMITS[kind]
        return t(key, limit=ctx.get(bound))
    if kind in ("enum", "literal_error"):
        # "'officer', 'reception' or 'admin'": the allowed values, without the English "or".
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return t("config.not_one_of", expected=expected)
    if kind == "value_error":
        return str(ctx["error"])
    return t("config.bad_value")


def _adapter(field: Any) -> TypeAdapter[Any]:
    """A validator of one model field alone, with its type and constraints."""
    annotated: Any = Annotated[field.annotation, field]
    return TypeAdapter(annotated)


def _kept_entries(name: str, raw: object, errors: list[Any]) -> tuple[list[Any], Kept] | None:
    """The valid entries of a list section whose problems are all inside entries, so the checks
    across sections can still run on them; None when the list as a whole is wrong."""
    if name not in LIST_KEYS or not isinstance(raw, list):
        return None
    if any(not e["loc"] or not isinstance(e["loc"][0], int) for e in errors):
        return None
    broken = {e["loc"][0] for e in errors}
    (model,) = get_args(Config.model_fields[name].annotation)
    key_field = model.model_fields[LIST_KEYS[name]]
    entries, places, failed_keys = [], [], {}
    for place, entry in enumerate(raw):
        if place not in broken:
            entries.append(TypeAdapter(model).validate_python(entry))
            places.append(place)
            continue
        key = entry.get(LIST_KEYS[name]) if isinstance(entry, dict) else None
        try:
            failed_keys[place] = _adapter(key_field).validate_python(key)
        except ValidationError:
            continue
    return entries, Kept(tuple(places), failed_keys)


def _sections(raw: dict[str, Any]) -> tuple[dict[str, Any], list[Problem], dict[str, Kept]]:
    """Each top-level section validated on its own, so one bad section hides no other problem;
    a list section keeps its valid entries, so one bad entry hides no problem of the others."""
    values: dict[str, Any] = {}
    partial: dict[str, Kept] = {}
    problems = [
        Problem(name, t("config.unknown_field")) for name in raw if name not in Config.model_fields
    ]
    for name, field in Config.model_fields.items():
        if name not in raw:
            if field.is_required():
                problems.append(Problem(name, t("config.missing")))
            continue
        try:
            values[name] = _adapter(field).validate_python(raw[name])
        except ValidationError as error:
            problems += [Problem(_path((name, *e["loc"])), _message(e)) for e in error.errors()]
            kept = _kept_entries(name, raw[name], error.errors())
            if kept is not None:
                values[name], partial[name] = kept
    return values, problems, partial


def _key_text(
    raw: dict[str, Any], env: Mapping[str, str], base: Path
) -> tuple[str | None, list[Problem]]:
    """The sealing key from the environment, else from `[privacy] key_file`; never the file
    itself, which is shared and copied more than a key should be."""
    privacy = raw.get("privacy")
    privacy = privacy if isinstance(privacy, dict) else {}
    if "key" in privacy:
        return None, [Problem("privacy.key", t("config.key_in_file"))]
    if env.get(SECRET_KEY_ENV):
        key, source = env[SECRET_KEY_ENV], SECRET_KEY_ENV
    elif isinstance(privacy.get("key_file"), str):
        source = "privacy.key_file"
        try:
            key = (base / privacy["key_file"]).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            return None, [Problem(source, t("config.key_file_unreadable"))]
    else:
        return None, []
    if not valid_key(key):
        return None, [Problem(source, t("config.key_invalid"))]
    return key.strip(), []


def _s3_keys(raw: dict[str, Any], env: Mapping[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """The object store's keys from the environment only, both or neither: a config file is
    shared and copied more than a key should be. Without them boto3 finds AWS's own variables
    (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or a machine's role itself."""
    storage = raw.get("storage")
    storage = storage if isinstance(storage, dict) else {}
    names = ("files_access_key_id", "files_secret_access_key")
    if any(name in storage for name in names):
        return {}, [Problem("storage.files_url", t("config.files_keys_in_file", **S3_KEY_ENVS))]
    given = [env.get(variable) or None for variable in S3_KEY_ENVS.values()]
    if given.count(None) == 1:
        return {}, [Problem("storage.files_url", t("config.files_keys_half", **S3_KEY_ENVS))]
    if None in given:
        return {}, []
    return {name: SecretStr(str(value)) for name, value in zip(names, given, strict=True)}, []


def _client_keys(raw: dict[str, Any], env: Mapping[str, str]) -> list[Problem]:
    """A key written into the file itself is refused, as the sealing key is."""
    web = raw.get("web")
    clients = web.get("clients") if isinstance(web, dict) else None
    if not isinstance(clients, list):
        return []
    return [
        Problem(f"web.clients[{n}].key", t("config.client_key_in_file"))
        for n, client in enumerate(clients)
        if isinstance(client, dict) and "key" in client
    ]


def _with_client_keys(web: WebConfig, env: Mapping[str, str]) -> tuple[WebConfig, list[Problem]]:
    """Each client's key from its variable; a client without one is a mistake only where the
    page is on, since only then may it post."""
    clients, problems = [], []
    for n, client in enumerate(web.clients):
        key = env.get(client.key_env, "").strip()
        if not key and web.enabled:
            problem = t("config.client_key_missing", variable=client.key_env)
            problems.append(Problem(f"web.clients[{n}].key_env", problem))
        clients.append(client.model_copy(update={"key": SecretStr(key) if key else None}))
    return web.model_copy(update={"clients": clients}), problems


def _catalog_content(raw: dict[str, Any]) -> list[Problem]:
    """The catalog's content comes from its own file only: written into config.toml it is
    taken out, and said to be unknown."""
    written = raw.get("procedures")
    if not isinstance(written, dict) or "content" not in written:
        return []
    del written["content"]
    return [Problem("procedures.content", t("config.unknown_field"))]


def _with_catalog(
    procedures: ProceduresConfig, base: Path
) -> tuple[ProceduresConfig, list[Problem]]:
    """The catalog read once, here, so a look-up never reads a file; a relative path is
    taken from the config file's folder, as the storage paths are."""
    file = procedures.file if procedures.file.is_absolute() else base / procedures.file
    catalog, problems = read_catalog(file, _message)
    found = [Problem(f"procedures.catalog ({where})", what) for where, what in problems]
    return procedures.model_copy(update={"catalog": file, "content": catalog}), found


def load_config(
    path: Path, *, environ: dict[str, str] | None = None, need_token: bool = True
) -> Config:
    """Read, validate and cross-check a config file, or raise ConfigError listing every problem.

    The tokens (and the webhook secrets, and the database URL) in the environment win over the
    file, so the file can be shared without them.
    Relative storage paths are taken from the config file's folder, not from wherever the
    command happened to be started.
    """
    env = os.environ if environ is None else environ
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([Problem("", t("config.no_file", path=path))]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError([Problem("", t("config.not_toml", detail=error))]) from None
    from_env = (
        (TOKEN_ENV, "telegram", "token"),
        (WEBHOOK_SECRET_ENV, "telegram", "secret_token"),
        (ZALO_TOKEN_ENV, "zalo", "token"),
        (ZALO_SECRET_ENV, "zalo", "secret_token"),
        (DATABASE_URL_ENV, "storage", "url"),
    )
    for variable, section, field in from_env:
        if env.get(variable):
            raw.setdefault(section, {})
            if isinstance(raw[section], dict):
                raw[section][field] = env[variable]
    key, key_problems = _key_text(raw, env, path.parent)
    s3_keys, s3_problems = _s3_keys(raw, env)
    client_problems = _client_keys(raw, env)
    content_problems = _catalog_content(raw)
    values, problems, partial = _sections(raw)
    problems += key_problems + s3_problems + client_problems + content_problems
    if "procedures" not in raw or "procedures" in values:
        procedures = values.get("procedures", ProceduresConfig())
        values["procedures"], catalog_problems = _with_catalog(procedures, path.parent)
        problems += catalog_problems
    if "web" in values and not client_problems:
        values["web"], missing_keys = _with_client_keys(values["web"], env)
        problems += missing_keys
    if s3_keys:
        values["storage"] = values.get("storage", StorageConfig()).model_copy(update=s3_keys)
    if key is not None:
        privacy = values.get("privacy", PrivacyConfig())
        values["privacy"] = privacy.model_copy(update={"key": SecretStr(key)})
    failed = {name for name in Config.model_fields if name in raw and name not in values}
    failed |= {
        name for name, f in Config.model_fields.items() if f.is_required() and name not in raw
    }
    config = Config.model_construct(**values)
    problems += cross_check(config, need_token=need_token, unavailable=failed, partial=partial)
    if problems:
        raise ConfigError(problems)
    if not config.storage.path.is_absolute():
        storage = config.storage.model_copy(update={"path": path.parent / config.storage.path})
        config = config.model_copy(update={"storage": storage})
    if config.storage.files is not None and not config.storage.files.is_absolute():
        storage = config.storage.model_copy(update={"files": path.parent / config.storage.files})
        config = config.model_copy(update={"storage": storage})
    return config
