"""The account pages' forms: their text to the service, and the service's field names back to the form's."""

from __future__ import annotations

from grants.accounts.schemas import RegisterIn, TokenIn
from grants.accounts.service import passwords, registration, resets
from grants.core.auth import Principal
from grants.core.errors import ValidationFailed
from grants.core.forms import Refusal
from grants.core.i18n import _
from grants.core.inputs import check_texts, refuse_long_texts


async def register(data: dict[str, str], client_ip: str) -> registration.Registered:
    """The register form (the organisation's fields start with `org_`); what registration did (the
    page answers the same whatever it was)."""
    if data.get("password", "") != data.get("password2", ""):
        raise ValidationFailed({"password2": _("The passwords do not match.")})
    organisation = {key[4:]: value for key, value in data.items() if key.startswith("org_")}
    fields = {
        "email": data.get("email", ""),
        "password": data.get("password", ""),
        "name": data.get("name", ""),
    }
    refuse_long_texts(fields | {"organisation": organisation}, RegisterIn)
    return await registration.register(
        data.get("email", ""), data.get("password", ""), data.get("name", ""), organisation, client_ip
    )


def login_fits(data: dict[str, str]) -> bool:
    """Whether the typed e-mail and password fit the API's (TokenIn): a longer one is no account's,
    so the page answers as to a wrong password before the limiter or the database see it."""
    return not check_texts({"email": data.get("email", ""), "password": data.get("password", "")}, TokenIn)


def register_errors(refusal: Refusal) -> dict[str, str]:
    """The refusal's messages under the form's names (`org_name` for the service's `organisation.name`);
    a clash stands on the field it is about."""
    if refusal.status_code == 409:
        errors = {refusal.field_name or "": refusal.message or ""}
    else:
        errors = refusal.errors
    return {field.replace("organisation.", "org_"): message for field, message in errors.items()}


async def change_password(me: Principal, data: dict[str, str], client_ip: str) -> None:
    if data.get("new_password", "") != data.get("new_password2", ""):
        raise ValidationFailed({"new_password2": _("The passwords do not match.")})
    await passwords.change_password(
        me, data.get("current_password", ""), data.get("new_password", ""), client_ip
    )


async def reset_password(token: str, data: dict[str, str]) -> int:
    """The new-password form of a reset link; the user's id."""
    if data.get("new_password", "") != data.get("new_password2", ""):
        raise ValidationFailed({"new_password2": _("The passwords do not match.")})
    return await resets.complete_reset(token, data.get("new_password", ""), field="new_password")
