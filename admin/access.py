"""Who reaches what inside the admin panel, in front of piccolo-admin.

piccolo-admin lets in any user with the `admin` flag (staff and reviewers).
This layer narrows it: only staff get table data and forms; everyone else
gets 403 from the panel's API, except asking who they are and changing their
password. The panel's login and password change are answered by admin.logins
with the site's own rules, never by piccolo's endpoints. A staff member's or
reviewer's session that skipped the required second factor holds no panel role
(accounts.service.two_factor), so it gets 401 even where panel users may go.
"""

from __future__ import annotations

import posixpath

from starlette.types import ASGIApp, Receive, Scope, Send

from admin.inputs import answer_json
from admin.logins import PanelLogins, is_login, is_password_change
from grants.accounts.rules import PANEL_ROLES
from grants.accounts.service import sessions
from grants.core.auth import SESSION_COOKIE, Role
from grants.core.i18n import _

# Paths (inside /admin) open to any panel user; the rest of /api needs staff.
# The sidebar links carry no table data: reviewers need them to reach "My reviews" (/admin/reviews).
OPEN_TO_PANEL_USERS = ("/api/user/", "/api/change-password/", "/api/links/")


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
        if checked.startswith("/api/"):
            token = _cookie(scope, SESSION_COOKIE)
            principal = await sessions.principal_for_session(token) if token else None
            if principal is None:
                await answer_json(send, 401, _("Log in first."))
                return
            if checked.startswith(OPEN_TO_PANEL_USERS):
                if not principal.has(*PANEL_ROLES):
                    # Not a panel user, or a session that skipped the required second factor.
                    await answer_json(send, 401, _("Log in first."))
                    return
            elif not principal.has(Role.staff):
                await answer_json(send, 403, _("Only programme staff can see the panel's tables."))
                return
        await self.app(scope, receive, send)
