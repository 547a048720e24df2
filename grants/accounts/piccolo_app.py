import os

from piccolo.conf.apps import AppConfig

from grants.accounts.tables import (
    AccountProfile,
    ApiToken,
    EmailConfirmation,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    PasswordReset,
    PendingLogin,
    SecondFactorSession,
    TwoFactor,
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
        PasswordReset,
        Invitation,
        TwoFactor,
        PendingLogin,
        SecondFactorSession,
        EmailConfirmation,
    ],
    migration_dependencies=[
        "piccolo.apps.user.piccolo_app",
        "grants.registry.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
    ],
    commands=[],
)
