"""Users, their roles, organisations and membership, sessions and API tokens."""

from grants.accounts.api import AccountsApi
from grants.accounts.pages.portal import PortalAccountPages
from grants.accounts.pages.portal_organisation import PortalOrganisationPages
from grants.accounts.pages.portal_two_factor import PortalTwoFactorPages
from grants.accounts.pages.public import PublicAccountPages
from grants.accounts.pages.public_invitations import PublicInvitationPages
from grants.accounts.pages.public_password import PublicPasswordPages
from grants.accounts.pages.public_two_factor import PublicTwoFactorPages
from grants.accounts.pages.staff import StaffOrganisationPages

routes = [
    AccountsApi,
    PublicAccountPages,
    PortalAccountPages,
    PublicPasswordPages,
    PublicTwoFactorPages,
    PortalTwoFactorPages,
    PortalOrganisationPages,
    PublicInvitationPages,
    StaffOrganisationPages,
]
