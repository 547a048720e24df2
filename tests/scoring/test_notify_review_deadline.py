"""Reminders before the review deadline: the daily job (grants worker's "reminders") mails each reviewer
with open assignments in a call whose review deadline is within REVIEW_REMIND_DAYS_BEFORE days, once a
day per reviewer and call, in the reviewer's language, delivered to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.accounts.queries import user_id_by_email
from grants.accounts.service.profiles import set_language
from grants.core.auth import Role
from grants.core.tables import OutboxMessage
from grants.core.time import format_riga, now
from grants.scoring import service
from grants.scoring.notify import REVIEW_REMIND_DAYS_BEFORE, remind_review_deadlines
from grants.settings import get_settings
from grants.worker import jobs
from tests.factories.accounts import make_user
from tests.factories.applications import eligible_applications
from tests.factories.scoring import principal_of, set_review_deadline
from tests.factories.smtp import body_text, delivered_to

pytestmark = pytest.mark.integration


async def _reviewer(language: str | None = None):
    email = await make_user(Role.reviewer, name="Vērtētājs Tests")
    principal = await principal_of(email)
    if language:
        await set_language(principal.user_id, language)
    return email, principal


async def _review_mails(email: str) -> list[dict]:
    return await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.dedupe_key).where(
        (OutboxMessage.to_address == email) & OutboxMessage.dedupe_key.like("review-%")
    )


async def test_reminder_before_the_deadline_in_each_reviewers_language_once_a_day(app, smtp):
    assert REVIEW_REMIND_DAYS_BEFORE == 3
    call_id, apps = await eligible_applications(3, title="Bauskas konkurss")
    staff = await principal_of(await make_user(Role.staff))
    english, english_p = await _reviewer("en")
    latvian, latvian_p = await _reviewer()  # no choice made: Latvian, the default
    finished, finished_p = await _reviewer("en")
    await service.assign(call_id, apps[0], english_p.user_id, staff)
    to_score = await service.assign(call_id, apps[1], english_p.user_id, staff)
    await service.declare_conflict(to_score, english_p, False, "")
    await service.assign(call_id, apps[0], latvian_p.user_id, staff)
    done = await service.assign(call_id, apps[2], finished_p.user_id, staff)
    await service.declare_conflict(done, finished_p, False, "")
    await service.save_scores(done, finished_p, {"K1": 5, "K2": 5}, {}, "", True)
    deadline = now() + timedelta(days=2)
    await set_review_deadline(call_id, deadline)

    assert await remind_review_deadlines() >= 2  # the database holds other tests' calls too
    assert [len(await _review_mails(e)) for e in (english, latvian, finished)] == [1, 1, 0]
    mail = await delivered_to(smtp, english)
    # A subject is one line of plain spaces (Babel's time has a narrow no-break space before PM).
    assert mail["Subject"] == " ".join(
        f"Reviews due by {format_riga(deadline, 'en')}: Bauskas konkurss".split()
    )
    body = body_text(mail)
    assert (
        f"The reviews of the call “Bauskas konkurss” are due by {format_riga(deadline, 'en')} (Riga time)."
        in body
    )
    assert "- declare whether you have a conflict of interest: 1\n- score and submit: 1\n" in body
    assert f"{get_settings().base_url}/admin/reviews\n" in body
    in_latvian = await delivered_to(smtp, latvian)
    assert (
        in_latvian["Subject"] == f"Vērtējumi jāiesniedz līdz {format_riga(deadline, 'lv')}: Bauskas konkurss"
    )
    assert "- jāapliecina, vai jums ir interešu konflikts: 1\n" in body_text(in_latvian)
    assert "score and submit" not in body_text(in_latvian)
    # The same day again (the worker's job runs once a day; a second worker or a rerun): nothing new.
    assert await remind_review_deadlines() == 0
    assert [len(await _review_mails(e)) for e in (english, latvian, finished)] == [1, 1, 0]


async def test_no_reminder_too_early_after_the_deadline_or_without_one(app):
    staff = await principal_of(await make_user(Role.staff))
    cases = {
        "early": now() + timedelta(days=REVIEW_REMIND_DAYS_BEFORE, hours=2),
        "past": now() - timedelta(hours=1),
        "none": None,
    }
    emails = {}
    for key, deadline in cases.items():
        call_id, apps = await eligible_applications(1)
        emails[key], reviewer = await _reviewer("en")
        await service.assign(call_id, apps[0], reviewer.user_id, staff)
        await set_review_deadline(call_id, deadline)
    await remind_review_deadlines()
    for key, email in emails.items():
        assert await _review_mails(email) == [], key


async def test_a_conflict_or_a_deactivated_reviewer_gets_no_reminder(app):
    from piccolo.apps.user.tables import BaseUser

    call_id, apps = await eligible_applications(1)
    staff = await principal_of(await make_user(Role.staff))
    conflicted, conflicted_p = await _reviewer("en")
    gone, gone_p = await _reviewer("en")
    released = await service.assign(call_id, apps[0], conflicted_p.user_id, staff)
    await service.declare_conflict(released, conflicted_p, True, "Radinieks")
    await service.assign(call_id, apps[0], gone_p.user_id, staff)
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == await user_id_by_email(gone))
    await set_review_deadline(call_id, now() + timedelta(days=1))
    await remind_review_deadlines()
    assert await _review_mails(conflicted) == []
    assert await _review_mails(gone) == []


async def test_the_workers_daily_reminders_include_the_review_deadline(app, smtp):
    call_id, apps = await eligible_applications(1, title="Cēsu konkurss")
    staff = await principal_of(await make_user(Role.staff))
    email, reviewer = await _reviewer("en")
    await service.assign(call_id, apps[0], reviewer.user_id, staff)
    await set_review_deadline(call_id, now() + timedelta(hours=20))
    [daily] = [job for job in jobs(get_settings()) if job.name == "reminders"]
    assert daily.hour is not None  # a daily job
    await daily.run()
    mail = await delivered_to(smtp, email)
    assert mail["Subject"].endswith(": Cēsu konkurss")
    assert mail["Subject"].startswith("Reviews due by ")
