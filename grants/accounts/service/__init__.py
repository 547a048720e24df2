"""Accounts: the only writer of users, roles, organisations, memberships, sessions and tokens.

One module per concern: logins (the password check and its limit), sessions (and bearer tokens),
registration, passwords, users (roles, deactivation); hashing (every password hash, off the
event loop).
"""
