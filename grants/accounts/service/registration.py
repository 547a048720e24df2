"""Registration of an applicant and their organisation."""

from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import current_municipality_id
from grants.accounts.rules import (
    EMAIL,
    MAX_EMAIL,
    ORG_REG_NO,
    check_password,
    normalise_email,
    split_name,
)
from grants.accounts.service.hashing import hash_password
from grants.accounts.tables import LegalForm, Membership, Organisation, UserRole
from grants.core import audit, mail
from grants.core.auth import Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _


async def register(email: str, password: str, name: str, organisation: dict[str, Any]) -> tuple[int, int]:
    """An applicant and their organisation; returns (user id, organisation id)."""
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not EMAIL.match(email) or len(email) > MAX_EMAIL:
        errors["email"] = _("Enter a valid e-mail address.")
    errors.update(check_password(password))
    if not name.strip():
        errors["name"] = _("Enter your name.")
    org_name = str(organisation.get("name", "")).strip()
    if not org_name:
        errors["organisation.name"] = _("Enter the organisation's name.")
    reg_no = str(organisation.get("registration_number", "")).strip()
    if not ORG_REG_NO.match(reg_no):
        errors["organisation.registration_number"] = _("The registration number must be exactly 11 digits.")
    legal_form = str(organisation.get("legal_form", ""))
    if legal_form not in {f.value for f in LegalForm}:
        errors["organisation.legal_form"] = _("Choose the legal form.")
    municipality_id = await current_municipality_id(str(organisation.get("municipality_code", "")))
    if municipality_id is None:
        errors["organisation.municipality_code"] = _("Choose a municipality.")
    if errors:
        raise ValidationFailed(errors)

    hashed = await hash_password(password)  # off the event loop, and before the write lock is taken
    async with write_transaction():
        if await BaseUser.exists().where(BaseUser.username == email):
            raise Conflict(_("An account with this e-mail address already exists."), "email")
        if await Organisation.exists().where(Organisation.registration_number == reg_no):
            raise Conflict(
                _("This organisation is already registered; ask its members to add you."),
                "organisation.registration_number",
            )
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
        org = Organisation(
            name=org_name,
            registration_number=reg_no,
            legal_form=legal_form,
            municipality=municipality_id,
            address=str(organisation.get("address", "")).strip(),
            email=str(organisation.get("email", "") or email).strip(),
            phone=str(organisation.get("phone", "")).strip(),
            contact_person=name.strip(),
        )
        await org.save()
        await UserRole.insert(UserRole(user=user.id, role=Role.applicant))
        await Membership.insert(Membership(user=user.id, organisation=org.id, role="owner"))
        await audit.record("register", "organisation", org.id, after={"user": email, "organisation": reg_no})
        await mail.enqueue(
            email,
            mail.WELCOME_SUBJECT,
            "accounts/mail/welcome",
            {"organisation": org_name, "name": name.strip()},
            dedupe_key=f"welcome:{org.id}",
        )
    return user.id, org.id
