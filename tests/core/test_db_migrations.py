"""The migrations that end the cascades apply to a database that holds data in the previous schema:
run backwards (every key back to CASCADE) and forwards again over a whole project's rows, nothing is
lost or changed, and the live keys end as the tables declare them, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo.conf.apps import Finder
from piccolo.engine.sqlite import SQLiteEngine

from grants.applications.tables import Attachment, Clarification
from grants.calls.tables import Criterion
from grants.core.db import engine
from grants.core.time import now
from grants.reporting.tables import EventPhoto, FinalReport, FinalReportAttachment
from grants.scoring.tables import Assignment, EligibilityCheck, Score
from tests.core.test_db_foreign_keys import declared, live
from tests.factories import reporting_rows as rows

pytestmark = pytest.mark.integration

APPS = ["registry", "accounts", "calls", "applications", "scoring", "reporting"]
MIGRATIONS = [
    importlib.import_module(f"grants.{app}.piccolo_migrations.{app}_2026_12_07t12_00_00_000000")
    for app in APPS
]


async def counts() -> dict[str, int]:
    return {t._meta.tablename: await t.count() for t in Finder().get_table_classes()}


async def whole_project() -> None:
    """One project with a row in every table a changed key leaves from."""
    school = await rows.school("LV-016", "Migrācijas pamatskola")
    call_id = await rows.call("LV-016")
    project = await rows.project(call_id, planned=[school])
    user = BaseUser(username=f"mig-{project.application}@example.lv", email="m@example.lv", password="x" * 20)
    await user.save()
    criterion = Criterion(call=call_id, code="K1", title="Kvalitāte", kind="quality", max_points=10)
    await criterion.save()
    assignment = Assignment(
        call=call_id, application=project.application, reviewer=user.id, status="submitted"
    )
    await assignment.save()
    await Score.insert(Score(assignment=assignment.id, criterion=criterion.id, points=7))
    await EligibilityCheck.insert(
        EligibilityCheck(application=project.application, result="eligible", checked_by=user.id)
    )
    await Clarification.insert(
        Clarification(
            application=project.application, question="?", due_at=now() + timedelta(days=3), asked_by=user.id
        )
    )
    key = f"mig/{project.application}"
    await Attachment.insert(
        Attachment(
            application=project.application,
            storage_key=key,
            filename="a.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=user.id,
        )
    )
    event = await rows.event(project.award, school)
    await EventPhoto.insert(
        EventPhoto(
            event=event,
            storage_key=f"{key}/p",
            thumbnail_key=f"{key}/t",
            filename="p.jpg",
            content_type="image/jpeg",
            size=1,
            sha256="0" * 64,
        )
    )
    report = FinalReport(award=project.award, submitted_by=user.id)
    await report.save()
    await FinalReportAttachment.insert(
        FinalReportAttachment(
            report=report.id,
            storage_key=f"{key}/f",
            filename="f.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    )


async def test_the_migrations_go_back_and_forth_over_existing_rows(database):
    await whole_project()
    before = await counts()
    managers = [await module.forwards() for module in MIGRATIONS]
    for manager in reversed(managers):
        await manager.run(backwards=True)
    previous = await live()
    assert {key for key, action in previous.items() if action != declared()[key]} == {
        (change.tablename, change.column) for module in MIGRATIONS for change in module.CHANGES
    }
    assert {previous[(c.tablename, c.column)] for m in MIGRATIONS for c in m.CHANGES} == {"CASCADE"}
    assert await counts() == before
    for manager in managers:
        await manager.run()
    assert await live() == declared()
    assert await counts() == before
    if isinstance(engine(), SQLiteEngine):
        assert await BaseUser.raw("PRAGMA foreign_key_check") == []
        assert await BaseUser.raw("PRAGMA integrity_check") == [{"integrity_check": "ok"}]


def test_each_change_names_its_table_class_and_key():
    classes = {t._meta.tablename: t for t in Finder().get_table_classes()}
    for module in MIGRATIONS:
        for change in module.CHANGES:
            table = classes[change.tablename]
            assert table.__name__ == change.table_class_name
            column = table._meta.get_column_by_name(change.column)
            assert column._foreign_key_meta.on_delete == change.new
