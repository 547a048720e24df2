"""The account pages' forms: their text to the service, and the service's field names back to the form's."""

from __future__ import annotations

from grants.accounts.rules import check_password
from grants.accounts.schemas import RegisterIn, TokenIn
from grants.accounts.service import passwords, registration, resets
from grants.core.auth import Principal
from grants.core.errors import ValidationFailed
from grants.core.forms import Refusal
from grants.core.i18n import _
from grants.core.inputs import check_texts

REGISTER_FIELDS = (
    "name",
    "email",
    "password",
    "password2",
    "org_name",
    "org_registration_number",
    "org_legal_form",
    "org_municipality_code",
    "org_address",
    "org_phone",
)


async def register(data: dict[str, str], client_ip: str) -> registration.Registered:
    """The register form (the organisation's fields start with `org_`); what registration did (the
    page answers the same whatever it was). Every mistake is named in one answer: a text too long,
    the passwords not matching and what the service finds."""
    organisation = {key[4:]: value for key, value in data.items() if key.startswith("org_")}
    email, password, name = data.get("email", ""), data.get("password", ""), data.get("name", "")
    too_long = check_texts(
        {"email": email, "password": password, "name": name, "organisation": organisation}, RegisterIn
    )
    errors, _municipality = await registration.problems(email, password, name, organisation)
    if password != data.get("password2", "") and "password" not in too_long:
        errors["password2"] = _("The passwords do not match.")
    if errors := errors | too_long:
        raise ValidationFailed(errors)
    return await registration.register(email, password, name, organisation, client_ip)


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
    named = {field.replace("organisation.", "org_"): message for field, message in errors.items()}
    # The summary lists them in the order of the form's fields.
    order = {field: place for place, field in enumerate(REGISTER_FIELDS)}
    return dict(sorted(named.items(), key=lambda item: order.get(item[0], len(order))))


async def change_password(me: Principal, data: dict[str, str], client_ip: str) -> None:
    new = data.get("new_password", "")
    mismatch = (
        {} if new == data.get("new_password2", "") else {"new_password2": _("The passwords do not match.")}
    )
    await passwords.change_password(me, data.get("current_password", ""), new, client_ip, also=mismatch)


async def reset_password(token: str, data: dict[str, str]) -> int:
    """The new-password form of a reset link; the user's id."""
    new = data.get("new_password", "")
    if new != data.get("new_password2", ""):  # with the policy's complaint, if any: both at once
        errors = check_password(new, "new_password") | {"new_password2": _("The passwords do not match.")}
        raise ValidationFailed(errors)
    return await resets.complete_reset(token, new, field="new_password")
