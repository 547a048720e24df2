import os

from piccolo.conf.apps import AppConfig

from grants.awards.tables import Agreement, Award, DecisionReview, Payment

APP_CONFIG = AppConfig(
    app_name="awards",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Award, Agreement, Payment, DecisionReview],
    migration_dependencies=["grants.applications.piccolo_app", "grants.calls.piccolo_app"],
    commands=[],
)
