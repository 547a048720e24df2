"""Piccolo's configuration: the engine from DATABASE_URL and every app's tables."""

from piccolo.conf.apps import AppRegistry

from grants.core.db import build_engine
from grants.settings import get_settings

DB = build_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
        "grants.core.piccolo_app",
        "grants.registry.piccolo_app",
        "grants.accounts.piccolo_app",
        "grants.calls.piccolo_app",
        "grants.applications.piccolo_app",
        "grants.scoring.piccolo_app",
        "grants.awards.piccolo_app",
        "grants.reporting.piccolo_app",
    ]
)
