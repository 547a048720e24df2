"""Who reaches what inside the admin panel, in front of piccolo-admin.

piccolo-admin lets in any user with the `admin` flag (staff and reviewers).
This layer narrows it to national programme staff (master data is theirs; municipal staff work
in the back office only). Anyone
else signed in who opens its page is sent to the back office (/admin/, which
knows where each role works), and gets 403 from every part of its API, in their
language; the panel's login refuses them too (admin.logins). Without a session
the page shows the panel's login and the API answers 401. The panel's login and
password change are answered by admin.logins with the site's own rules, never
by piccolo's endpoints. A staff member's session that skipped the required
second factor holds no staff role (accounts.service.two_factor): it is sent to
the back office too, whose pages ask for the code.
"""

from __future__ import annotations

import posixpath

from starlette.types import ASGIApp, Receive, Scope, Send

from admin.inputs import answer_json
from admin.logins import PanelLogins, is_login, is_password_change, not_staff
from grants.accounts.service import sessions
from grants.core.auth import SESSION_COOKIE, Principal
from grants.core.i18n import _

BACK_OFFICE = b"/admin/"


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for item in value.decode("latin-1").split(";"):
                k, _, v = item.strip().partition("=")
                if k == name:
                    return v
    return None


class AdminAccess:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.logins = PanelLogins()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]  # the mount hands us the path below /admin
        # Judged on the normalised path: "/api/user/../tables/x" is a table path, whatever the app below does.
        checked = "/" + posixpath.normpath(path).lstrip("/") + ("/" if path.endswith("/") else "")
        if scope["method"] == "POST" and (is_login(checked) or is_password_change(checked)):
            await self.logins(checked, scope, receive, send)
            return
        # The raw path too: "/api/tables/x/../../../" normalises to "/" but is piccolo's to route.
        if checked.startswith("/api/") or path.lstrip("/").startswith("api/"):
            principal = await _principal(scope)
            if principal is None:
                await answer_json(send, 401, _("Log in first."))
                return
            if not principal.national:
                await answer_json(send, 403, not_staff())
                return
        elif posixpath.normpath(path) == "/" and scope["method"] in ("GET", "HEAD"):  # the page
            principal = await _principal(scope)
            if principal is not None and not principal.national:
                # Signed in, but not for the Data section: never its empty shell.
                await send(
                    {"type": "http.response.start", "status": 303, "headers": [(b"location", BACK_OFFICE)]}
                )
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


async def _principal(scope: Scope) -> Principal | None:
    token = _cookie(scope, SESSION_COOKIE)
    return await sessions.principal_for_session(token) if token else None
