"""Users, their roles, organisations and membership, sessions and API tokens."""
