import os

from piccolo.conf.apps import AppConfig

from grants.core.tables import AuditEntry, LoginFailure, OutboxMessage, ScheduledJob

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[AuditEntry, LoginFailure, OutboxMessage, ScheduledJob],
    migration_dependencies=[],
    commands=[],
)
