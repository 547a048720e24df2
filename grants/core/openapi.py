"""The error responses of the JSON API, declared on each route so that the OpenAPI schema names every
status a client can get (the fuzz suite holds every response to the schema).

Usage: `@post(..., responses=errors(401, 403, 404, 409))`. Litestar adds the 400 of a malformed
parameter or body by itself.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec


class ErrorOut(msgspec.Struct):
    """What grants.core.web renders for every error under /api (Litestar's shape)."""

    status_code: int
    detail: str
    extra: dict[str, Any] | list[Any] = msgspec.field(default_factory=dict)


MEANINGS = {
    400: "The request does not fit the schema (a parameter, the body or the form)",
    401: "No bearer token or session, or an invalid or expired token",
    403: "The caller's role may not do this",
    404: "Not found, or not visible to the caller",
    409: "A state or deadline conflict",
    413: "The file is too large",
    415: "The file's type (read from its content) is not accepted",
    422: "The data breaks a rule; `extra` names each field with its problem",
    429: "Too many attempts; wait and try again",
}


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """The documented error responses for these status codes."""
    return {
        code: ResponseSpec(data_container=ErrorOut, description=MEANINGS[code], generate_examples=False)
        for code in sorted(codes)
    }


def file_download(*codes: int) -> dict[int, ResponseSpec]:
    """A route answered by grants.core.uploads.download_response, with these error codes."""
    return {
        # The type is the one sniffed at upload (PDF, an image, an office document): any of them.
        200: ResponseSpec(
            data_container=bytes,
            media_type="*/*",
            description="The file as an attachment, in the type read from its content at upload",
            generate_examples=False,
        ),
        302: ResponseSpec(
            data_container=None, description="On S3 storage: a redirect to a short-lived signed URL"
        ),
        **errors(*codes),
    }
