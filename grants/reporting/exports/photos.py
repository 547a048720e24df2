"""An event photo's thumbnail as a download, for the grantee's and staff's API and the coordinator's pages."""

from __future__ import annotations

from typing import Any

from litestar.response import Response, Stream

from grants.core.errors import NotFound
from grants.core.storage import NotFound as StorageNotFound
from grants.core.storage import download_headers, get_storage


async def thumbnail_response(row: dict[str, Any]) -> Response[Any]:
    """The thumbnail streamed by the app, also on S3: pages show it in <img>, and their
    Content-Security-Policy takes images from this site only, not from a signed S3 address."""
    try:
        chunks = await get_storage().open(row["thumbnail_key"])
    except StorageNotFound:
        raise NotFound from None
    headers = download_headers(f"thumbnail-{row['filename']}", row["content_type"])
    return Stream(
        chunks, headers=headers | {"Cache-Control": "private, max-age=3600"}, media_type=row["content_type"]
    )
