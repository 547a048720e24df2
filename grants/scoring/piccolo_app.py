import os

from piccolo.conf.apps import AppConfig

from grants.scoring.tables import Assignment, EligibilityCheck, Score

APP_CONFIG = AppConfig(
    app_name="scoring",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[EligibilityCheck, Assignment, Score],
    migration_dependencies=["grants.applications.piccolo_app", "grants.calls.piccolo_app"],
    commands=[],
)
