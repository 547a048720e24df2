"""File storage for uploads (attachments, call documents, event photos): one async interface, two backends.

`get_storage()` picks the backend from STORAGE_URL:

- `file://var/files` (relative to the project root) or `file:///srv/files` (absolute): local files;
- `s3://BUCKET` or `s3://BUCKET/PREFIX`: S3-compatible object storage through boto3, with
  S3_ENDPOINT_URL, the AWS keys and AWS_REGION from the settings.

`save()` streams: chunks go to a temporary file while they are counted and hashed, the size limit
stops the reading as soon as it is passed, and the type is read from the content (see filetypes).
Only then does the file get its random key and move into the storage. boto3 is synchronous, so its
calls (and all file I/O) run in worker threads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, BinaryIO, TypeVar
from urllib.parse import unquote, urlparse

import anyio
import anyio.to_thread
import boto3
from babel.numbers import format_decimal
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from grants.core.filetypes import (
    DOCUMENT_TYPES,
    EXTENSIONS,
    IMAGE_TYPES,
    content_disposition,
    display_name,
    download_headers,
    sanitize_filename,
)
from grants.core.filetypes import sniff as detect_type
from grants.core.i18n import _, get_language
from grants.core.time import now
from grants.settings import PROJECT_ROOT, Settings, get_settings

__all__ = [
    "DOCUMENT_TYPES",
    "IMAGE_TYPES",
    "LocalStorage",
    "NotFound",
    "S3Storage",
    "Storage",
    "StorageError",
    "StoredFile",
    "TooLarge",
    "UnsupportedType",
    "detect_type",
    "download_headers",
    "get_storage",
    "sanitize_filename",
]

CHUNK_SIZE = 256 * 1024  # what open() yields at a time
_WRITE_BUFFER = 1024 * 1024  # incoming chunks are gathered up to this before one write in a thread
KEY_PATTERN = re.compile(r"\d{4}/\d{2}/\d{2}/[A-Za-z0-9_-]{32}")  # 2026/03/01/<token_urlsafe(24)>
T = TypeVar("T")


class StorageError(Exception):
    """The storage could not do what was asked; `message` is translated and fit for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooLarge(StorageError):
    """The upload passed the size limit (HTTP 413)."""

    def __init__(self, limit: int) -> None:
        if limit >= 1024 * 1024:
            size = f"{format_decimal(round(limit / 1024 / 1024, 1), locale=get_language())} MB"
        else:
            size = f"{format_decimal(round(limit / 1024, 1), locale=get_language())} kB"
        super().__init__(_("The file is too large: the limit is {size}.").format(size=size))
        self.limit = limit


class UnsupportedType(StorageError):
    """The content is not one of the accepted types, whatever its name says (HTTP 415)."""

    def __init__(self, allowed: frozenset[str], empty: bool = False) -> None:
        names = ", ".join(sorted(EXTENSIONS[m][0].lstrip(".").upper() for m in allowed if m in EXTENSIONS))
        message = _("The file is empty.") if empty else _("This type of file is not accepted.")
        accepted = _("Accepted types: {types}.").format(types=names)
        super().__init__(f"{message} {accepted}")
        self.allowed = allowed


class NotFound(StorageError):
    """No file is stored under the key (HTTP 404)."""

    def __init__(self, key: str) -> None:
        super().__init__(_("The file was not found."))
        self.key = key


@dataclass(frozen=True)
class StoredFile:
    key: str  # where the bytes are; random, never derived from the name
    filename: str  # the sanitised original name, for display and download
    content_type: str  # detected from the content
    size: int
    sha256: str  # hex


def new_key() -> str:
    return f"{now():%Y/%m/%d}/{secrets.token_urlsafe(24)}"


def check_key(key: str) -> str:
    """Only keys this module makes: nothing a caller passes can point outside the storage."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise StorageError(_("Invalid file key."))
    return key


async def _thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs))


async def _read_chunks(source: BinaryIO | Any) -> AsyncIterator[bytes]:
    """A file or an S3 body, read in a worker thread chunk by chunk, closed at the end."""
    try:
        while chunk := await _thread(source.read, CHUNK_SIZE):
            yield chunk
    finally:
        source.close()


async def _spool(stream: AsyncIterator[bytes], fd: int, limit: int) -> tuple[int, str]:
    """Write the stream to the open temporary file `fd`; return its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray()
    with os.fdopen(fd, "wb") as file:
        try:
            async for chunk in stream:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(limit)
                digest.update(chunk)
                buffer += chunk
                if len(buffer) >= _WRITE_BUFFER:
                    await _thread(file.write, buffer)
                    buffer.clear()
            if buffer:
                await _thread(file.write, buffer)
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()
    return size, digest.hexdigest()


class Storage(ABC):
    """Where uploaded files live. Every method is async; keys come from save()."""

    def __init__(self, settings: Settings, temp_dir: Path) -> None:
        self.settings = settings
        self.temp_dir = temp_dir  # partial uploads live here, and only while save() runs

    async def save(
        self,
        stream: AsyncIterator[bytes],
        filename: str,
        *,
        max_bytes: int | None = None,
        allowed: frozenset[str] = DOCUMENT_TYPES,
    ) -> StoredFile:
        """Store the stream under a new random key; raise TooLarge or UnsupportedType and keep nothing."""
        limit = self.settings.upload_max_bytes if max_bytes is None else max_bytes
        await _thread(self.temp_dir.mkdir, parents=True, exist_ok=True)
        fd, temp_name = await _thread(tempfile.mkstemp, prefix="upload-", dir=self.temp_dir)
        temp = Path(temp_name)
        try:
            size, sha256 = await _spool(stream, fd, limit)
            content_type = await _thread(detect_type, temp)
            if size == 0 or content_type not in allowed:
                raise UnsupportedType(allowed, empty=size == 0)
            key = new_key()
            await self._put(temp, key, content_type)
        finally:
            with anyio.CancelScope(shield=True):  # a dropped connection still cleans up
                await _thread(temp.unlink, missing_ok=True)
        return StoredFile(key, display_name(filename, content_type), content_type, size, sha256)

    @abstractmethod
    async def _put(self, temp: Path, key: str, content_type: str) -> None:
        """Move the complete, checked temporary file into the storage under `key`."""

    @abstractmethod
    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The file's bytes in chunks; NotFound when there is no such file."""

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the file; removing a missing file is not an error."""

    @abstractmethod
    async def exists(self, key: str) -> bool: ...

    @abstractmethod
    async def url_for_download(
        self, key: str, filename: str, content_type: str, expires: int = 300
    ) -> str | None:
        """A short-lived URL the browser downloads from directly, or None: then serve open() yourself."""


class LocalStorage(Storage):
    """Files under a directory; the temporary files sit in its `.incoming`, so moving one in is a rename."""

    def __init__(self, settings: Settings, root: Path) -> None:
        self.root = root.absolute()
        super().__init__(settings, self.root / ".incoming")

    def _path(self, key: str) -> Path:
        path = self.root / check_key(key)
        if not path.is_relative_to(self.root):  # cannot happen with KEY_PATTERN; kept as a second lock
            raise StorageError(_("Invalid file key."))
        return path

    async def _put(self, temp: Path, key: str, content_type: str) -> None:
        target = self._path(key)
        await _thread(target.parent.mkdir, parents=True, exist_ok=True)
        await _thread(os.replace, temp, target)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            file = await _thread(path.open, "rb")
        except FileNotFoundError:
            raise NotFound(key) from None
        return _read_chunks(file)

    async def delete(self, key: str) -> None:
        await _thread(self._path(key).unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await _thread(self._path(key).is_file)

    async def url_for_download(
        self, key: str, filename: str, content_type: str, expires: int = 300
    ) -> str | None:
        check_key(key)
        return None


class S3Storage(Storage):
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph, Hetzner …), optionally under a prefix."""

    def __init__(self, settings: Settings, bucket: str, prefix: str = "") -> None:
        super().__init__(settings, settings.var_dir / "uploads")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"} if settings.s3_endpoint_url else {},
            retries={"mode": "standard", "max_attempts": 3},
        )
        # A session of its own: boto3's default session is not thread-safe; the client is.
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            aws_access_key_id=settings.aws_access_key_id,
            aws_secret_access_key=settings.aws_secret_access_key,
            region_name=settings.aws_region,
            config=config,
        )
        # upload_file (a path, not a file object) reads each part from disk as it is sent: a few MB
        # of buffers per upload, whatever the size of the file.
        self.transfer = TransferConfig(multipart_threshold=8 * 1024 * 1024, max_concurrency=2)

    def _object(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def _call(self, function: Callable[..., T], key: str, **kwargs: Any) -> T:
        try:
            return await _thread(function, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                raise NotFound(key) from None
            raise StorageError(_("The file storage is not available.")) from exc
        except (BotoCoreError, Boto3Error) as exc:
            raise StorageError(_("The file storage is not available.")) from exc

    async def _put(self, temp: Path, key: str, content_type: str) -> None:
        await self._call(
            self.client.upload_file,
            key,
            Filename=str(temp),
            Bucket=self.bucket,
            Key=self._object(key),
            ExtraArgs={"ContentType": content_type},
            Config=self.transfer,
        )

    async def open(self, key: str) -> AsyncIterator[bytes]:
        response = await self._call(self.client.get_object, key, Bucket=self.bucket, Key=self._object(key))
        return _read_chunks(response["Body"])

    async def delete(self, key: str) -> None:
        await self._call(self.client.delete_object, key, Bucket=self.bucket, Key=self._object(key))

    async def exists(self, key: str) -> bool:
        try:
            await self._call(self.client.head_object, key, Bucket=self.bucket, Key=self._object(key))
        except NotFound:
            return False
        return True

    async def url_for_download(
        self, key: str, filename: str, content_type: str, expires: int = 300
    ) -> str | None:
        params = {
            "Bucket": self.bucket,
            "Key": self._object(key),
            "ResponseContentDisposition": content_disposition(filename),
            "ResponseContentType": content_type,
        }
        # Signing makes no request, but refreshing expired credentials (an IAM role) may: in a thread.
        return await _thread(
            self.client.generate_presigned_url, "get_object", Params=params, ExpiresIn=expires
        )


def local_root(storage_url: str) -> Path:
    """file://var/files → PROJECT_ROOT/var/files; file:///srv/files and file://localhost/srv/files → /srv/files."""
    parsed = urlparse(storage_url)
    raw = parsed.path if parsed.netloc in {"", "localhost"} else parsed.netloc + parsed.path
    path = Path(unquote(raw))
    return path if path.is_absolute() else PROJECT_ROOT / path


@lru_cache(maxsize=16)
def _storage_for(settings: Settings) -> Storage:
    parsed = urlparse(settings.storage_url)
    if parsed.scheme == "s3" and parsed.netloc:
        return S3Storage(settings, parsed.netloc, parsed.path)
    if parsed.scheme == "file":
        return LocalStorage(settings, local_root(settings.storage_url))
    raise StorageError(f"STORAGE_URL must be file://PATH or s3://BUCKET, not {settings.storage_url!r}")


def get_storage(settings: Settings | None = None) -> Storage:
    """The storage of these settings (the process-wide ones by default), made once and reused."""
    return _storage_for(settings if settings is not None else get_settings())


@contextlib.asynccontextmanager
async def kept_if_recorded(stored: StoredFile) -> AsyncIterator[None]:
    """Wrap the write of the row that points at a just-saved file: if it fails, the bytes go too,
    so the storage never keeps a file that nothing refers to."""
    try:
        yield
    except BaseException:
        await get_storage().delete(stored.key)
        raise
