"""Registration of an applicant and their organisation, answering the same whoever registers.

Valid input always ends in "check your e-mail", and nothing in the answer, its time or its cookies
tells whether the address or the registration number is known here:
- a new address: the user is made (unconfirmed, with their language) and mailed a confirmation link;
  with a new registration number they own the new organisation, with a known one they are made
  without one and ask to join it (its owners get a mail);
- an address that has an account: nothing is made; its owner gets a mail saying someone tried.
The password is hashed in a thread on both paths. Each client address may register
REGISTER_MAX_PER_HOUR times an hour (bad input is not counted: its field errors reveal nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import current_municipality_id, language_of
from grants.accounts.rules import (
    EMAIL,
    MAX_EMAIL,
    ORG_REG_NO,
    check_password,
    normalise_email,
    split_name,
)
from grants.accounts.service.confirmation import UNCONFIRMED_LIFETIME, send_link
from grants.accounts.service.hashing import hash_password
from grants.accounts.service.membership import request_to_join
from grants.accounts.tables import AccountProfile, LegalForm, Membership, Organisation, UserRole
from grants.core import audit, mail
from grants.core.auth import Role
from grants.core.db import write_transaction
from grants.core.errors import TooManyAttempts, ValidationFailed
from grants.core.i18n import _, get_language
from grants.core.ratelimit import ActionLimiter, build_action_limiter
from grants.core.time import now
from grants.settings import get_settings

WINDOW = 3600  # REGISTER_MAX_PER_HOUR counts in this sliding window (seconds)
TAKEN_SUBJECT = mail.N_("Someone tried to register in Grants with your address")


@dataclass(frozen=True)
class Registered:
    """What registration did; the answers never show it (tests and the service's callers may)."""

    user_id: int | None  # None: the address already had an account
    organisation_id: int | None  # the new organisation; None when joining one or nothing was made
    join_request_id: int | None = None


def limiter() -> ActionLimiter:
    s = get_settings()
    return _limiter(s.redis_url, s.register_max_per_hour)


@cache
def _limiter(redis_url: str | None, limit: int) -> ActionLimiter:
    return build_action_limiter(redis_url, "register", limit, WINDOW)


def _check(email: str, password: str, name: str, organisation: dict[str, Any]) -> dict[str, str]:
    """Every field's problem at once, in the order the form asks for them."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter your name.")
    if not EMAIL.match(email) or len(email) > MAX_EMAIL:
        errors["email"] = _("Enter a valid e-mail address.")
    errors.update(check_password(password))
    if not str(organisation.get("name", "")).strip():
        errors["organisation.name"] = _("Enter the organisation's name.")
    if not ORG_REG_NO.match(str(organisation.get("registration_number", "")).strip()):
        errors["organisation.registration_number"] = _("The registration number must be exactly 11 digits.")
    if str(organisation.get("legal_form", "")) not in {f.value for f in LegalForm}:
        errors["organisation.legal_form"] = _("Choose the legal form.")
    return errors


async def problems(
    email: str, password: str, name: str, organisation: dict[str, Any]
) -> tuple[dict[str, str], int | None]:
    """What is wrong with the input, every field at once, and the municipality's id (None when
    unknown). The pages add their own (the passwords typed twice) to these before refusing."""
    errors = _check(normalise_email(email), password, name, organisation)
    municipality_id = await current_municipality_id(str(organisation.get("municipality_code", "")))
    if municipality_id is None:
        errors["organisation.municipality_code"] = _("Choose a municipality.")
    return errors, municipality_id


async def register(
    email: str, password: str, name: str, organisation: dict[str, Any], client_ip: str
) -> Registered:
    """Register an applicant (see the module): ValidationFailed for bad input, TooManyAttempts
    (with Retry-After) past the address's limit; otherwise the same for everyone."""
    errors, municipality_id = await problems(email, password, name, organisation)
    if errors or municipality_id is None:
        raise ValidationFailed(errors)
    email = normalise_email(email)
    if not await limiter().reserve(client_ip):
        raise TooManyAttempts(retry_after=WINDOW)
    # The same work on every path: the hash of a password, in a thread.
    hashed = await hash_password(password)
    language = get_language()
    async with write_transaction():
        existing = await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first()
        if existing is not None:
            await _tell_the_owner(existing["id"], email)
            return Registered(None, None)
        return await _create(email, hashed, name.strip(), organisation, municipality_id, language)


async def _tell_the_owner(user_id: int, email: str) -> None:
    """The address has an account: its owner hears that someone tried (at most once an hour)."""
    await audit.record("register_existing_email", "user", user_id)
    await mail.enqueue(
        email,
        TAKEN_SUBJECT,
        "accounts/mail/register_taken",
        {},
        language=await language_of(user_id),
        dedupe_key=f"register-taken:{user_id}:{now():%Y%m%d%H}",
    )


async def _create(
    email: str,
    hashed: str,
    name: str,
    organisation: dict[str, Any],
    municipality_id: int,
    language: str,
) -> Registered:
    reg_no = str(organisation.get("registration_number", "")).strip()
    first, last = split_name(name)
    user = BaseUser(
        username=email,
        email=email,
        password=hashed,
        first_name=first,
        last_name=last,
        active=True,
        admin=False,
    )
    await user.save()
    moment = now()
    await AccountProfile.insert(
        AccountProfile(user=user.id, language=language, created_at=moment, email_confirmed_at=None)
    )
    await UserRole.insert(UserRole(user=user.id, role=Role.applicant))
    taken = (
        await Organisation.select(Organisation.id).where(Organisation.registration_number == reg_no).first()
    )
    if taken is not None:
        # The owners hear of it once the address is confirmed (confirmation.confirm_email).
        request_id = await request_to_join(user.id, taken["id"], tell_owners=False)
        await audit.record("register", "user", user.id, after={"user": email, "joins": reg_no})
        await send_link(user.id, email, language, moment + UNCONFIRMED_LIFETIME)
        return Registered(user.id, None, request_id)
    org = Organisation(
        name=str(organisation.get("name", "")).strip(),
        registration_number=reg_no,
        legal_form=str(organisation.get("legal_form", "")),
        municipality=municipality_id,
        address=str(organisation.get("address", "")).strip(),
        email=str(organisation.get("email", "") or email).strip(),
        phone=str(organisation.get("phone", "")).strip(),
        contact_person=name,
    )
    await org.save()
    await Membership.insert(Membership(user=user.id, organisation=org.id, role="owner"))
    await audit.record("register", "organisation", org.id, after={"user": email, "organisation": reg_no})
    await send_link(user.id, email, language, moment + UNCONFIRMED_LIFETIME)
    return Registered(user.id, org.id)
