"""The file storage: settings of each backend, an S3 client, and what a storage holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import boto3

from grants.core.storage import (
    LocalStorage,
    S3Storage,
    Storage,
    get_storage,
)
from grants.settings import Settings

MB = 1024 * 1024
REGION = "eu-north-1"


async def chunks(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def read_all(storage: Storage, key: str) -> bytes:
    return b"".join([chunk async for chunk in await storage.open(key)])


def storage_settings(tmp_path: Path, **values: str) -> Settings:
    return Settings.from_env({"GRANTS_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "k" * 40, **values})


def s3_client(endpoint: str):
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=REGION,
    )


def stored_keys(storage: Storage) -> list[str]:
    """Every file the storage holds (the temporary folder aside)."""
    if isinstance(storage, LocalStorage):
        return sorted(
            str(p.relative_to(storage.root))
            for p in storage.root.rglob("*")
            if p.is_file() and not p.is_relative_to(storage.temp_dir)
        )
    assert isinstance(storage, S3Storage)
    listing = storage.client.list_objects_v2(Bucket=storage.bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def stored_files() -> set[str]:
    """Every file in the test storage (a local directory in the tests), the half-received ones excluded."""
    root = get_storage().root
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts}


def temp_files(storage: Storage) -> list[Path]:
    return sorted(storage.temp_dir.iterdir()) if storage.temp_dir.exists() else []
