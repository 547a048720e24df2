import os

from piccolo.conf.apps import AppConfig

from grants.accounts.tables import (
    AccountProfile,
    ApiToken,
    EmailConfirmation,
    JoinRequest,
    Membership,
    Organisation,
    UserRole,
)

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        UserRole,
        Organisation,
        Membership,
        ApiToken,
        AccountProfile,
        JoinRequest,
        EmailConfirmation,
    ],
    migration_dependencies=["piccolo.apps.user.piccolo_app", "grants.registry.piccolo_app"],
    commands=[],
)
