import os

from piccolo.conf.apps import AppConfig

from grants.registry.tables import Municipality, School

APP_CONFIG = AppConfig(
    app_name="registry",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Municipality, School],
    migration_dependencies=[],
    commands=[],
)
