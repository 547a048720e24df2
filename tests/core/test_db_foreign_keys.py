"""Nothing historical goes with a cascade: every foreign key's ON DELETE is decided here, the table
classes declare it, and the live database (built by the migrations) enforces the same.

The decision per key is the table below; the tests compare the classes with it, and the live schema
(SQLite: PRAGMA foreign_key_list; PostgreSQL: information_schema.referential_constraints) with the
classes, so neither the classes nor the migrations can drift.
"""

from __future__ import annotations

import sqlite3

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey
from piccolo.conf.apps import Finder
from piccolo.engine.sqlite import SQLiteEngine

from grants.applications.tables import Application
from grants.calls.tables import Call
from grants.core.db import engine
from grants.core.errors import is_foreign_key_violation
from grants.scoring.tables import Assignment
from tests.factories import reporting_rows as rows

pytestmark = pytest.mark.integration

R, N, C = "RESTRICT", "SET NULL", "CASCADE"

# (table, column) -> ON DELETE. RESTRICT: history and what it stands on; SET NULL: who did it (the row
# outlives a user); CASCADE: pure parts of a user's access or of a draft's contents.
DECIDED = {
    ("municipality", "successor"): R,
    ("school", "municipality"): R,
    ("user_role", "user"): C,
    ("user_role", "municipality"): R,
    ("organisation", "municipality"): R,
    ("membership", "user"): C,
    ("membership", "organisation"): C,
    ("api_token", "user"): C,
    ("account_profile", "user"): C,
    ("join_request", "user"): C,
    ("join_request", "organisation"): C,
    ("join_request", "decided_by"): N,
    ("password_reset", "user"): C,
    ("invitation", "organisation"): C,
    ("invitation", "invited_by"): N,
    ("two_factor", "user"): C,
    ("pending_login", "user"): C,
    ("second_factor_session", "session"): C,
    ("email_confirmation", "user"): C,
    ("grant_call", "municipality"): R,
    ("call_criterion", "call"): C,
    ("call_document", "call"): C,
    ("application", "call"): R,
    ("application", "organisation"): R,
    ("application", "created_by"): N,
    ("budget_line", "application"): C,
    ("planned_event", "application"): C,
    ("planned_event", "school"): R,
    ("clarification", "application"): R,
    ("clarification", "asked_by"): N,
    ("attachment", "application"): R,
    ("attachment", "uploaded_by"): N,
    ("eligibility_check", "application"): R,
    ("eligibility_check", "checked_by"): N,
    ("review_assignment", "call"): R,
    ("review_assignment", "application"): R,
    ("review_assignment", "reviewer"): R,
    ("review_score", "assignment"): R,
    ("review_score", "criterion"): R,
    ("award", "call"): R,
    ("award", "application"): R,
    ("award", "decided_by"): N,
    ("agreement", "award"): R,
    ("agreement", "recorded_by"): N,
    ("payment", "award"): R,
    ("payment", "paid_by"): N,
    ("event_report", "award"): R,
    ("event_report", "planned_event"): N,
    ("event_report", "school"): R,
    ("event_report", "reviewed_by"): N,
    ("event_report", "reported_by"): N,
    ("event_photo", "event"): R,
    ("event_photo", "uploaded_by"): N,
    ("final_report", "award"): R,
    ("final_report", "submitted_by"): N,
    ("final_report", "reviewed_by"): N,
    ("final_report_attachment", "report"): R,
    ("final_report_attachment", "uploaded_by"): N,
    # issue 14: who approved an event's other school; national approval's history of a call; a
    # coordinator's calendar link and weekly e-mail, pure access (a new link is made in a moment).
    ("event_report", "school_approved_by"): N,
    ("decision_review", "call"): R,
    ("decision_review", "decided_by"): N,
    ("calendar_feed", "user"): C,
    ("calendar_feed", "municipality"): C,
    ("weekly_digest", "user"): C,
}


def declared() -> dict[tuple[str, str], str]:
    keys = {}
    for table in Finder().get_table_classes():
        for column in table._meta.foreign_key_columns:
            assert isinstance(column, ForeignKey)
            keys[(table._meta.tablename, column._meta.db_column_name)] = (
                column._foreign_key_meta.on_delete.value
            )
    return keys


async def live() -> dict[tuple[str, str], str]:
    db = engine()
    if isinstance(db, SQLiteEngine):
        names = await run("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        keys = {}
        for name in [n["name"] for n in names]:
            for key in await run(f'PRAGMA foreign_key_list("{name}")'):
                keys[(name, key["from"])] = key["on_delete"]
        return keys
    found = await run(
        "SELECT kcu.table_name, kcu.column_name, rc.delete_rule"
        " FROM information_schema.referential_constraints rc"
        " JOIN information_schema.key_column_usage kcu"
        " ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema"
        " WHERE kcu.table_schema = current_schema()"
    )
    return {(k["table_name"], k["column_name"]): k["delete_rule"] for k in found}


async def run(sql: str, *args: object) -> list[dict]:
    return await Call.raw(sql, *args).run()


def test_every_foreign_key_has_its_decided_on_delete():
    assert declared() == DECIDED


def test_a_user_column_that_is_set_null_is_nullable():
    for table in Finder().get_table_classes():
        for column in table._meta.foreign_key_columns:
            if column._foreign_key_meta.on_delete.value == N:
                assert column._meta.null, (table._meta.tablename, column._meta.name)


async def test_the_live_schema_enforces_what_the_tables_declare(database):
    assert await live() == declared()


async def test_deleting_a_call_with_an_application_is_refused_by_the_database(database):
    call_id = await rows.call("LV-016", status="closed")
    application_id = await rows.unawarded(call_id, await rows.organisation(), "Iesniegts", status="submitted")
    with pytest.raises(Exception) as refused:
        await run("DELETE FROM grant_call WHERE id = {}", call_id)
    assert is_foreign_key_violation(refused.value)
    assert await Application.count().where(Application.id == application_id) == 1
    assert await Call.count().where(Call.id == call_id) == 1


async def test_deleting_the_user_who_created_an_application_keeps_it(database):
    call_id = await rows.call("LV-016", status="closed")
    application_id = await rows.unawarded(call_id, await rows.organisation(), "Iesniegts", status="submitted")
    user = BaseUser(username="departed@example.lv", email="departed@example.lv", password="x" * 20)
    await user.save()
    await Application.update({Application.created_by: user.id}).where(Application.id == application_id)
    await run("DELETE FROM piccolo_user WHERE id = {}", user.id)
    kept = await Application.select(Application.title, Application.created_by).where(
        Application.id == application_id
    )
    assert kept == [{"title": "Iesniegts", "created_by": None}]


async def test_deleting_a_reviewer_with_an_assignment_is_refused_by_the_database(database):
    call_id = await rows.call("LV-016", status="in_review")
    application_id = await rows.unawarded(call_id, await rows.organisation(), "Vērtējams", status="in_review")
    user = BaseUser(username="reviewer-fk@example.lv", email="reviewer-fk@example.lv", password="x" * 20)
    await user.save()
    await Assignment.insert(Assignment(call=call_id, application=application_id, reviewer=user.id))
    with pytest.raises(Exception) as refused:
        await run("DELETE FROM piccolo_user WHERE id = {}", user.id)
    assert is_foreign_key_violation(refused.value)
    assert await Assignment.count().where(Assignment.reviewer == user.id) == 1


async def test_sqlite_connections_enforce_foreign_keys(database):
    if not isinstance(engine(), SQLiteEngine):
        pytest.skip("SQLite only: PostgreSQL always enforces them")
    assert await run("PRAGMA foreign_keys") == [{"foreign_keys": 1}]
    assert sqlite3.sqlite_version_info >= (3, 26)  # ALTER TABLE RENAME keeps references right (legacy off)
