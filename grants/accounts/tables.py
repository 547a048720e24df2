from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.table import Table
from piccolo_api.session_auth.tables import SessionsBase

from grants.core.auth import Role
from grants.registry.tables import Municipality


class LegalForm(StrEnum):
    association = "association"  # biedrība
    foundation = "foundation"  # nodibinājums
    youth_organisation = "youth_organisation"  # jaunatnes organizācija


class UserRole(Table, tablename="user_role"):
    """A role held by a user; a coordinator's role names its municipality."""

    user = ForeignKey(BaseUser, index=True, on_delete=OnDelete.cascade)  # access, not history
    role = Varchar(length=20, choices=Role, index=True)
    municipality = ForeignKey(Municipality, null=True, default=None, on_delete=OnDelete.restrict)


class Organisation(Table, tablename="organisation"):
    name = Varchar(length=200)
    registration_number = Varchar(length=11, unique=True, index=True)
    legal_form = Varchar(length=30, choices=LegalForm)
    municipality = ForeignKey(Municipality, index=True, on_delete=OnDelete.restrict)
    address = Varchar(length=300, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    contact_person = Varchar(length=200, default="")
    iban = Varchar(length=34, default="")  # the payee's account for transfers; checked (ISO 13616) on save
    created_at = Timestamptz(default=TimestamptzNow())

    @classmethod
    def get_readable(cls) -> Readable:
        """How the admin panel names a row in lists and pickers."""
        return Readable(template="%s (%s)", columns=[cls.name, cls.registration_number])


class Membership(Table, tablename="membership"):
    user = ForeignKey(BaseUser, index=True, on_delete=OnDelete.cascade)
    organisation = ForeignKey(Organisation, index=True, on_delete=OnDelete.cascade)
    role = Varchar(length=10, default="member")  # "owner" registered it, or "member"


class ApiToken(Table, tablename="api_token"):
    """Bearer tokens; only their SHA-256 is stored, so a leaked table leaks no token."""

    user = ForeignKey(BaseUser, index=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True, index=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)


class AccountProfile(Table, tablename="account_profile"):
    """What a user chose for themselves: the language of their mail, and whether their address is
    confirmed. Registration writes the row unconfirmed; a user without a row was made by staff (the
    CLI, the demo), whose address counts as confirmed, and reads Latvian until they choose."""

    user = ForeignKey(BaseUser, unique=True, index=True, on_delete=OnDelete.cascade)
    language = Varchar(length=5, default="lv")
    created_at = Timestamptz(default=TimestamptzNow())
    email_confirmed_at = Timestamptz(null=True, default=None)


class JoinRequestStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


class JoinRequest(Table, tablename="join_request"):
    """A person who registered with the registration number of an organisation already here asks
    to join it; its owner (or staff, in a dispute) approves or refuses."""

    user = ForeignKey(BaseUser, index=True, on_delete=OnDelete.cascade)
    organisation = ForeignKey(Organisation, index=True, on_delete=OnDelete.cascade)
    status = Varchar(length=10, choices=JoinRequestStatus, default=JoinRequestStatus.pending, index=True)
    message = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)


class PasswordReset(Table, tablename="password_reset"):
    """A link sent to reset a forgotten password: only the SHA-256 of its token is stored; it works
    once (used_at), for an hour (expires_at)."""

    user = ForeignKey(BaseUser, index=True, on_delete=OnDelete.cascade)  # access, not history
    token_hash = Varchar(length=64, unique=True, index=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    used_at = Timestamptz(null=True, default=None)


class EmailConfirmation(Table, tablename="email_confirmation"):
    """A link that confirms a new account's address; only its SHA-256 is stored. It lives as long as
    the unconfirmed account (7 days from registration) and works once."""

    user = ForeignKey(BaseUser, index=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True, index=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    used_at = Timestamptz(null=True, default=None)


class Invitation(Table, tablename="invitation"):
    """An owner invites a colleague by e-mail, as owner or member; the mail carries the token, the
    table only its SHA-256. Open while neither accepted nor revoked and before expires_at."""

    organisation = ForeignKey(Organisation, index=True, on_delete=OnDelete.cascade)
    email = Varchar(length=254, index=True)
    role = Varchar(length=10, default="member")
    token_hash = Varchar(length=64, unique=True, index=True, secret=True)
    invited_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class TwoFactor(Table, tablename="two_factor"):
    """A user's second factor (TOTP, RFC 6238): the shared secret, encrypted with a key derived from
    SECRET_KEY and never shown again once confirmed; the last time-step used (a code works once);
    the HMACs of the unused recovery codes (a JSON list, each code works once)."""

    user = ForeignKey(BaseUser, unique=True, index=True, on_delete=OnDelete.cascade)  # access, not history
    secret = Varchar(length=255, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    confirmed_at = Timestamptz(null=True, default=None)
    last_step = Integer(null=True, default=None)
    recovery_codes = Text(default="[]", secret=True)


class PendingLogin(Table, tablename="pending_login"):
    """A login whose password was right and whose second factor is still to come: short-lived, with
    a bounded number of code attempts; only its token's SHA-256 is stored."""

    token_hash = Varchar(length=64, unique=True, index=True, secret=True)
    user = ForeignKey(BaseUser, index=True, on_delete=OnDelete.cascade)
    next_page = Varchar(length=500, default="/account")
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    attempts = Integer(default=0)


class SecondFactorSession(Table, tablename="second_factor_session"):
    """A session that passed the second factor. A staff member's or reviewer's session without
    this row (started before the role or before two-factor sign-in was required) reaches neither
    the panel nor the back office."""

    session = ForeignKey(SessionsBase, unique=True, index=True, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
