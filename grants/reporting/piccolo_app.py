import os

from piccolo.conf.apps import AppConfig

from grants.reporting.tables import EventPhoto, EventReport, FinalReport, FinalReportAttachment

APP_CONFIG = AppConfig(
    app_name="reporting",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[EventReport, EventPhoto, FinalReport, FinalReportAttachment],
    migration_dependencies=["grants.awards.piccolo_app", "grants.applications.piccolo_app"],
    commands=[],
)
