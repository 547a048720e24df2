"""Users, their roles, organisations and membership, sessions and API tokens."""

from grants.accounts.api import AccountsApi
from grants.accounts.pages import AccountPages

routes = [AccountsApi, AccountPages]
