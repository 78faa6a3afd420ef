"""The file store the config names: the folder (`[storage] files`, by default beside the
database) or the S3-compatible object store (`[storage] files_url`). Every process, command and
helper that reads or keeps a file builds its store here, so they all agree on where files are."""

from __future__ import annotations

from bot.config import StorageConfig
from storage.file_store import FileStore, FolderStore
from storage.s3_store import S3Store


def open_file_store(storage: StorageConfig) -> FileStore:
    if storage.files_url is None:
        return FolderStore(storage.files_folder)
    key_id, secret = storage.files_access_key_id, storage.files_secret_access_key
    return S3Store(
        storage.files_bucket,
        storage.files_prefix,
        endpoint=storage.files_endpoint,
        region=storage.files_region,
        access_key_id=key_id.get_secret_value() if key_id else None,
        secret_access_key=secret.get_secret_value() if secret else None,
    )
