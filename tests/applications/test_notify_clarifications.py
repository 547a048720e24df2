"""After asking: the daily reminder before an unanswered question's due date, and the overdue flag
that staff see on the clarification page and count on the back-office home (admin.queues)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin.queues import _call_titles, clarifications
from grants.accounts.queries import load_principal, user_id_by_email
from grants.applications.notify import CLARIFICATION_REMIND_DAYS_BEFORE, remind_clarifications
from grants.applications.service.clarifications import answer_clarification, ask_clarification
from grants.applications.tables import Clarification
from grants.core.auth import Role
from grants.core.time import format_riga, now
from grants.settings import get_settings
from grants.worker import jobs
from tests.factories.accounts import login, make_user, registered, unique_email
from tests.factories.mail import outbox_for
from tests.factories.smtp import body_text, delivered_to
from tests.html import texts_of

pytestmark = pytest.mark.integration

REMINDER = "Reminder: please answer the question about {reference}"


async def principal(email: str):
    return await load_principal(await user_id_by_email(email))


async def submitted_applications(count: int, school: int) -> tuple[int, list[tuple[dict, str]]]:
    """A published call with `count` submitted applications of as many organisations, through the
    services; returns (call id, [(application, member's e-mail)])."""
    from grants.applications.service import drafts, submission
    from grants.calls import service as calls
    from tests.factories.applications import complete_application
    from tests.factories.calls import call_payload

    staff = await principal(await make_user(Role.staff))
    call_id = await calls.create_call(call_payload(title=f"Precizēšanas konkurss {unique_email()}"), staff)
    await calls.publish(call_id, staff)
    made = []
    for _ in range(count):
        email = unique_email("ngo")
        await registered(email)
        member = await principal(email)
        created = await drafts.create_draft(call_id, member, "Projekts")
        await drafts.update_application(created["id"], member, complete_application(school))
        await submission.submit(created["id"], member)
        made.append((created, email))
    return call_id, made


async def test_reminder_is_mailed_once_before_the_due_date_and_only_then(school, smtp):
    _call, [(soon, soon_email), (later, later_email), (done, done_email)] = await submitted_applications(
        3, school
    )
    staff = await principal(await make_user(Role.staff))
    due = now() + timedelta(days=CLARIFICATION_REMIND_DAYS_BEFORE, hours=-1)
    await ask_clarification(soon["id"], staff, "Kad sāksies nometne?", due)
    await ask_clarification(
        later["id"], staff, "Kas vadīs?", now() + timedelta(days=CLARIFICATION_REMIND_DAYS_BEFORE + 1)
    )
    asked = await ask_clarification(done["id"], staff, "Cik maksā?", due)
    await answer_clarification(done["id"], asked["id"], await principal(done_email), "4600 EUR.")

    assert await remind_clarifications() >= 1  # this one, and any other test's question due soon
    reminders = [m for m in await outbox_for(soon_email) if m["subject"].startswith("Atgādinājums")]
    assert len(reminders) == 1
    assert reminders[0]["dedupe_key"].startswith("clarification-reminder:")
    await remind_clarifications()
    assert len([m for m in await outbox_for(soon_email) if m["subject"].startswith("Atgādinājums")]) == 1
    assert [m for m in await outbox_for(later_email) if m["subject"].startswith("Atgādinājums")] == []
    assert [m for m in await outbox_for(done_email) if m["subject"].startswith("Atgādinājums")] == []

    mailed = await delivered_to(smtp, soon_email)  # the member registered in Latvian
    text = body_text(mailed)
    assert f"Lūdzu, atbildiet līdz {format_riga(due, 'lv')} (Rīgas laikā)." in text
    assert f"{get_settings().base_url}/my/applications/{soon['id']}/review" in text
    assert "Kad sāksies nometne?" in text


async def test_the_daily_reminders_job_sends_the_clarification_reminders(school):
    _call, [(app, email)] = await submitted_applications(1, school)
    staff = await principal(await make_user(Role.staff))
    await ask_clarification(app["id"], staff, "Kur notiks?", now() + timedelta(days=1))
    question = (
        await Clarification.select(Clarification.id).where(Clarification.application == app["id"]).first()
    )
    [daily] = [job for job in jobs(get_settings()) if job.name == "reminders"]
    await daily.run()
    keys = [m["dedupe_key"] for m in await outbox_for(email)]
    assert [k for k in keys if (k or "").startswith("clarification-reminder:")] == [
        f"clarification-reminder:{question['id']}:{email}"
    ]


async def test_overdue_questions_are_flagged_and_counted_for_staff(school, make_client):
    (
        call_id,
        [(open_app, _e1), (overdue_app, _e2), (answered_app, answered_email)],
    ) = await submitted_applications(3, school)
    staff_email = await make_user(Role.staff)
    staff = await principal(staff_email)
    before = (await clarifications(await _call_titles())).overdue
    soon = now() + timedelta(days=5)
    await ask_clarification(open_app["id"], staff, "Atvērts?", soon)
    late = await ask_clarification(overdue_app["id"], staff, "Nokavēts?", soon)
    gone = await ask_clarification(answered_app["id"], staff, "Atbildēts?", soon)
    await answer_clarification(answered_app["id"], gone["id"], await principal(answered_email), "Jā.")
    # The clock moves past the due date of one question (set-up: the service takes only future ones).
    await Clarification.update({Clarification.due_at: now() - timedelta(hours=1)}).where(
        Clarification.id == late["id"]
    )

    queue = await clarifications(await _call_titles())
    [row] = [r for r in queue.rows if r.href == f"/admin/calls/{call_id}/applications?status=clarification"]
    assert row.count == 2  # the open and the overdue question; the answered one is done
    assert queue.overdue - before == 1

    browser = make_client()
    await login(browser, staff_email)
    flagged = await browser.get(f"/admin/applications/{overdue_app['id']}/clarification")
    assert texts_of(flagged.text, "article.question .tag") == ["Overdue"]
    assert texts_of(flagged.text, "article.question p.muted") == [
        "The due date has passed. The applicant can still answer: a late answer is taken, and the application is then submitted again."
    ]
    waiting = await browser.get(f"/admin/applications/{open_app['id']}/clarification")
    assert texts_of(waiting.text, "article.question .tag") == ["Waiting for the answer"]
    # Late is not too late: the applicant may still answer, and the application is submitted again.
    member = await principal(_e2)
    assert (await answer_clarification(overdue_app["id"], late["id"], member, "Atvainojiet, vēlu."))[
        "status"
    ] == "submitted"
    assert (await clarifications(await _call_titles())).overdue == before
