"""Users, their roles and API tokens in the panel: looked up there, changed only within the rules.

- A user's admin and superuser flags follow the user's roles (accounts.service): no write method
  sets them here; roles change through the role forms, and user_role is read-only.
- A password is each user's own: the table never writes one, so the password policy cannot be
  bypassed by editing another user.
- Users are deactivated, never deleted (history points at them); nor are they created here, and
  `active` changes only through the forms, which end a deactivated user's sessions and tokens.
- API tokens are issued to their users by the API; staff may only revoke one (DELETE, audited).
"""

from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import TableConfig

from admin.writes import Writes, read_only
from grants.accounts.rules import EMAIL, normalise_email
from grants.accounts.tables import ApiToken, UserRole
from grants.core.i18n import _

ROLE_FLAGS = ("admin", "superuser")


async def check_user(changes: dict[str, Any], stored: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if changes.get("password"):  # None or "" leave it as it is (piccolo_api's PATCH skips them)
        errors["password"] = _(
            "Passwords are not set here: each user changes their own (Change password, or the reset link)."
        )
    if "active" in changes and changes["active"] != stored.get("active"):
        # Deactivating ends the user's sessions and tokens: the forms do it through the service.
        errors["active"] = _("Use the forms “Deactivate a user” and “Reactivate a user”.")
    for flag in ROLE_FLAGS:
        if flag in changes and changes[flag] != stored.get(flag):
            errors[flag] = _("This flag follows the user's roles: use the role forms.")
    username = str((stored | changes).get("username") or "")
    if not username.strip():
        errors["username"] = _("This field is required.")
    elif "username" in changes and not EMAIL.match(username):
        errors["username"] = _("Enter an e-mail address.")
    elif "username" in changes and username != normalise_email(username):
        # The login e-mail: every login looks it up in lower case.
        errors["username"] = _("Enter the e-mail address in lower case.")
    if changes.get("email") and not EMAIL.match(changes["email"]):
        errors["email"] = _("Enter an e-mail address.")
    return errors


USER_WRITES = Writes(
    check=check_user,
    refuse_create=lambda: _("Users sign up on the site; give them roles with the role forms."),
    # A whole-row PUT carries the password column as raw text: piccolo_api stores it unhashed.
    refuse_replace=lambda: _("Change a user field by field: a whole row would overwrite the password."),
    refuse_delete=lambda: _("Users are not deleted: use the form “Deactivate a user” instead."),
)

ACCOUNT_TABLES = [
    TableConfig(
        UserRole,
        validators=read_only(lambda: _("Read-only here: roles change through the role forms.")),
        visible_columns=[UserRole.user, UserRole.role, UserRole.municipality],
        visible_filters=[UserRole.user, UserRole.role, UserRole.municipality],
        menu_group="Accounts",
    ),
    TableConfig(
        BaseUser,
        validators=USER_WRITES.validators(BaseUser),
        visible_columns=[
            BaseUser.username,
            BaseUser.first_name,
            BaseUser.last_name,
            BaseUser.active,
            BaseUser.admin,
            BaseUser.superuser,
            BaseUser.last_login,
        ],
        visible_filters=[BaseUser.username, BaseUser.email, BaseUser.active, BaseUser.admin],
        menu_group="Accounts",
        link_column=BaseUser.username,
    ),
    TableConfig(
        ApiToken,
        validators=Writes(
            refuse_create=lambda: _(
                "API tokens are issued to their users by the API; here you can only revoke one."
            ),
            refuse_edit=lambda: _(
                "API tokens are issued to their users by the API; here you can only revoke one."
            ),
        ).validators(ApiToken),
        visible_columns=[ApiToken.user, ApiToken.created_at, ApiToken.expires_at],
        visible_filters=[ApiToken.user],
        menu_group="Accounts",
    ),
]
