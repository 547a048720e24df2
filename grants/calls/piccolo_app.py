import os

from piccolo.conf.apps import AppConfig

from grants.calls.tables import Call, CallDocument, Criterion

APP_CONFIG = AppConfig(
    app_name="calls",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Call, Criterion, CallDocument],
    migration_dependencies=["grants.registry.piccolo_app"],
    commands=[],
)
