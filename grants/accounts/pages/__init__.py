"""The account pages, one module per audience: public (login, logout, registration) and portal
(the account and its password)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Response

from grants.core.auth import session_cookie

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


def client_ip(request: AnyRequest) -> str:
    return request.client.host if request.client else "unknown"


def with_session(response: Response[Any], request: AnyRequest, token: str) -> Response[Any]:
    """The response, setting the cookie of a session just started."""
    response.set_cookie(session_cookie(token, secure=request.app.state.settings.production))
    return response
