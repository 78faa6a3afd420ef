"""A real S3-compatible server for the tests: moto's server (the `moto[server]` package from
PyPI), run in a thread of the test process on 127.0.0.1 at a port of its own.

moto answers S3's HTTP API itself, including the Content-MD5 check of an upload, so the store
speaks to it exactly as to MinIO or a provider, through boto3 and a socket. It needs no
binary downloaded at run time and no container, which this project's machines cannot have.
moto keeps its buckets in the memory of the process, shared by every server started in it, so
each test takes a bucket of its own name.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from moto.server import ThreadedMotoServer

from storage.s3_store import S3Store

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

KEY_ID = "nghe-dan-test"
SECRET = "nghe-dan-test-secret"  # moto accepts any keys
REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class S3Server:
    endpoint: str
    bucket: str

    def store(self, prefix: str = "nghe-dan/files") -> S3Store:
        return S3Store(
            self.bucket,
            prefix,
            endpoint=self.endpoint,
            region=REGION,
            access_key_id=KEY_ID,
            secret_access_key=SECRET,
        )

    def keys(self) -> list[str]:
        """Every object's key in the bucket, read straight from the server."""
        listing = _client(self.endpoint).list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def overwrite(self, key: str, data: bytes) -> None:
        """What a person with the bucket's keys, or a fault, could do behind the store's back."""
        _client(self.endpoint).put_object(Bucket=self.bucket, Key=key, Body=data)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(port: int = 0) -> Iterator[str]:
    """The server on `port` (one the system picks by default) until the block ends; its
    endpoint."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        host, bound = server.get_host_and_port()
        yield f"http://{host}:{bound}"
    finally:
        server.stop()


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """A server with a new, empty bucket."""
    with running() as endpoint:
        bucket = f"nghe-dan-{uuid.uuid4().hex[:12]}"
        _client(endpoint).create_bucket(Bucket=bucket)
        yield S3Server(endpoint, bucket)


def _client(endpoint: str) -> S3Client:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
