"""Files kept in an S3-compatible object store, for a commune whose processes run on several
machines that share no folder (`[storage] files_url = "s3://bucket/prefix"`).

boto3 (AWS's own SDK, kept in step with S3) makes the calls, each in a worker thread: a boto3
client is safe to share between threads, and a file is read or written whole, so nothing is
gained from an asynchronous client that would tie the version of botocore to another package.

Each object is named `prefix/ab/cd/<sha256>`, like the folder's files, so a put of content
already there is skipped (a HEAD answers it) and a repeated put writes the same bytes again.
Every upload carries its Content-MD5, which the server checks before it stores anything, so a
body damaged on the way is refused rather than kept under a hash it does not have; every read is
checked against its hash. Only the Content-MD5 is sent, none of botocore's newer default
checksums, which not every S3-compatible server accepts.

The keys come from the environment only (bot.config.loading); they are handed to boto3 and
never written anywhere, and none of the errors raised here holds them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from storage.file_store import DamagedFileError, FileStoreError, digest, relative_name

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING = {"404", "NoSuchKey", "NotFound"}
_ATTEMPTS = 3  # botocore's own retries of a throttled or failed call; the file keeper retries later


def _client_config(path_style: bool) -> Config:
    return Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": _ATTEMPTS, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "path" if path_style else "auto"},
    )


class S3Store:
    def __init__(
        self,
        bucket: str,
        prefix: str,
        *,
        endpoint: str | None,
        region: str | None,
        access_key_id: str | None,
        secret_access_key: str | None,
    ) -> None:
        """Without keys, boto3 looks for them itself (AWS_* variables, an instance's role)."""
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        session = boto3.session.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
        )
        self._client: S3Client = session.client(
            "s3", endpoint_url=endpoint, config=_client_config(path_style=endpoint is not None)
        )

    def key_of(self, sha256: str) -> str:
        name = relative_name(sha256)
        return f"{self.prefix}/{name}" if self.prefix else name

    async def put(self, data: bytes) -> str:
        return await asyncio.to_thread(self._put, data)

    async def read(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self._read, sha256)

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self._size, sha256) is not None

    async def delete(self, sha256: str) -> None:
        await asyncio.to_thread(self._delete, sha256)

    async def stale(self, before: datetime) -> list[str]:
        """The hashes of the objects last written before `before` (a sweep's candidates)."""
        return await asyncio.to_thread(self._stale, before)

    async def delete_temporary(self, name: str) -> None:
        """An object store writes an object whole or not at all: no temporary file to remove."""

    def _stale(self, before: datetime) -> list[str]:
        found: list[str] = []
        pages = self._client.get_paginator("list_objects_v2")
        try:
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    name = item["Key"].rsplit("/", 1)[-1]
                    if item["LastModified"] < before and self.key_of(name) == item["Key"]:
                        found.append(name)
        except (BotoCoreError, ClientError) as error:
            raise _store_error("list", self.prefix, error) from None
        return sorted(found)

    def _put(self, data: bytes) -> str:
        sha256 = digest(data)
        if self._size(sha256) == len(data):
            self._touch(sha256)
            return sha256
        md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")
        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=self.key_of(sha256),
                Body=data,
                ContentMD5=md5,
                ContentType="application/octet-stream",
            )
        except (BotoCoreError, ClientError) as error:
            raise _store_error("put", sha256, error) from None
        return sha256

    def _touch(self, sha256: str) -> None:
        """Fresh again, as FolderStore's put makes a file found already kept: an object found
        unreferenced for long is swept (`stale`), and this one is about to be referenced."""
        key = self.key_of(sha256)
        try:
            self._client.copy_object(
                Bucket=self.bucket,
                Key=key,
                CopySource={"Bucket": self.bucket, "Key": key},
                MetadataDirective="REPLACE",
                ContentType="application/octet-stream",
            )
        except (BotoCoreError, ClientError) as error:
            raise _store_error("touch", sha256, error) from None

    def _read(self, sha256: str) -> bytes:
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self.key_of(sha256))
            data = answer["Body"].read()
        except ClientError as error:
            if _code(error) in _MISSING:
                raise FileNotFoundError(f"s3://{self.bucket}/{self.key_of(sha256)}") from None
            raise _store_error("read", sha256, error) from None
        except BotoCoreError as error:
            raise _store_error("read", sha256, error) from None
        if digest(data) != sha256:
            raise DamagedFileError(f"s3 read {sha256}: the content does not match its hash")
        return data

    def _size(self, sha256: str) -> int | None:
        try:
            answer = self._client.head_object(Bucket=self.bucket, Key=self.key_of(sha256))
        except ClientError as error:
            if _code(error) in _MISSING:
                return None
            raise _store_error("head", sha256, error) from None
        except BotoCoreError as error:
            raise _store_error("head", sha256, error) from None
        return answer["ContentLength"]

    def _delete(self, sha256: str) -> None:
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self.key_of(sha256))
        except (BotoCoreError, ClientError) as error:
            raise _store_error("delete", sha256, error) from None


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _store_error(action: str, sha256: str, error: Exception) -> FileStoreError:
    return FileStoreError(f"s3 {action} {sha256}: {type(error).__name__}: {error}")
