import os

from piccolo.conf.apps import AppConfig

from grants.reporting.tables import (
    CalendarFeed,
    EventPhoto,
    EventReport,
    FinalReport,
    FinalReportAttachment,
    WeeklyDigest,
)

APP_CONFIG = AppConfig(
    app_name="reporting",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[EventReport, EventPhoto, FinalReport, FinalReportAttachment, CalendarFeed, WeeklyDigest],
    migration_dependencies=["grants.awards.piccolo_app", "grants.applications.piccolo_app"],
    commands=[],
)
