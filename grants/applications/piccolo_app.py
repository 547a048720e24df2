import os

from piccolo.conf.apps import AppConfig

from grants.applications.tables import (
    Application,
    Attachment,
    BudgetLine,
    Clarification,
    PlannedEvent,
    ReferenceCounter,
)

APP_CONFIG = AppConfig(
    app_name="applications",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Application, BudgetLine, PlannedEvent, Clarification, Attachment, ReferenceCounter],
    migration_dependencies=["grants.calls.piccolo_app", "grants.accounts.piccolo_app"],
    commands=[],
)
