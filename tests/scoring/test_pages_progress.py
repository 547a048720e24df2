"""The call's "Review progress" tab (/admin/calls/{id}/reviews): each reviewer's assignments by step,
the overdue ones, the review deadline, the links to reassign, and the reminder staff send from it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.core.auth import Role
from grants.core.tables import AuditEntry, OutboxMessage
from grants.core.time import format_riga, now
from grants.scoring import service
from tests.factories.accounts import login, make_user, post_form
from tests.factories.applications import eligible_applications
from tests.factories.scoring import principal_of, reference_of, set_review_deadline
from tests.factories.smtp import body_text, delivered_to
from tests.html import attr_of, links, notice, table_rows, text_of

pytestmark = pytest.mark.integration


async def _staff_client(make_client):
    email = await make_user(Role.staff)
    client = make_client()
    await login(client, email)
    return client, await principal_of(email)


async def _reviewer(name: str):
    email = await make_user(Role.reviewer, name=name)
    return email, await principal_of(email)


async def test_progress_per_reviewer_with_deadline_and_overdue(make_client):
    staff_client, staff = await _staff_client(make_client)
    call_id, apps = await eligible_applications(3, title="Bauskas konkurss")
    other_call, other_apps = await eligible_applications(1)
    ilze_email, ilze = await _reviewer("Ilze Ābele")
    janis_email, janis = await _reviewer("Jānis Bērzs")
    zane_email, zane = await _reviewer("Zane Ceriņa")
    # Ilze: one submitted, one she is scoring; Jānis: a conflict; Zane: one not declared yet.
    submitted = await service.assign(call_id, apps[0], ilze.user_id, staff)
    await service.declare_conflict(submitted, ilze, False, "")
    await service.save_scores(submitted, ilze, {"K1": 6, "K2": 6}, {}, "", True)
    scoring = await service.assign(call_id, apps[1], ilze.user_id, staff)
    await service.declare_conflict(scoring, ilze, False, "")
    conflicted = await service.assign(call_id, apps[1], janis.user_id, staff)
    await service.declare_conflict(conflicted, janis, True, "Valdes loceklis")
    await service.assign(call_id, apps[2], zane.user_id, staff)
    # Another call's assignment of Ilze: not counted here.
    await service.assign(other_call, other_apps[0], ilze.user_id, staff)
    deadline = now() - timedelta(hours=2)
    await set_review_deadline(call_id, deadline)

    page = await staff_client.get(f"/admin/calls/{call_id}/reviews")
    assert page.status_code == 200
    assert text_of(page.text, 'nav.call-tabs a[aria-current="page"]') == "Review progress"
    assert (
        text_of(page.text, "[data-deadline]") == f"Review deadline: {format_riga(deadline, 'en')} (Riga time)"
    )
    rows = table_rows(page.text)
    ref1, ref2 = await reference_of(apps[1]), await reference_of(apps[2])
    assert [row[:7] for row in rows] == [
        [
            f"Ilze Ābele ({ilze_email}) last submitted " + rows[0][0].split("last submitted ")[1],
            "2",
            "0",
            "0",
            "1",
            "1",
            "1",
        ],
        [f"Jānis Bērzs ({janis_email})", "1", "1", "0", "0", "0", "0"],
        [f"Zane Ceriņa ({zane_email})", "1", "0", "1", "0", "0", "1"],
    ]
    assert rows[0][7].startswith(f"{ref1} (scoring, overdue)")
    assert rows[1][7] == "Nothing left to do"
    assert rows[2][7].startswith(f"{ref2} (to declare, overdue)")
    assert f"/admin/calls/{call_id}#app-{apps[1]}" in links(page.text, f"#reviewer-{ilze.user_id} a")
    assert f"/admin/calls/{call_id}#h-manual" in links(page.text, f"#reviewer-{zane.user_id} a")
    # A reminder button for the reviewers with work left, none for the one without.
    assert attr_of(page.text, f"#reviewer-{ilze.user_id} input[name=reviewer_id]", "value") == str(
        ilze.user_id
    )
    assert attr_of(page.text, f"#reviewer-{janis.user_id} form", "action") is None
    # Without a deadline: said so, nothing overdue.
    await set_review_deadline(call_id, None)
    undated = await staff_client.get(f"/admin/calls/{call_id}/reviews")
    assert text_of(undated.text, "[data-deadline]") == "Review deadline: no deadline set"
    assert [row[6] for row in table_rows(undated.text)] == ["0", "0", "0"]


async def test_a_call_without_reviewers_says_so_and_a_missing_call_is_404(make_client):
    staff_client, _staff = await _staff_client(make_client)
    call_id, _apps = await eligible_applications(1)
    page = await staff_client.get(f"/admin/calls/{call_id}/reviews")
    assert table_rows(page.text) == []
    assert text_of(page.text, "#h-reviewers + p") == (
        "No reviewers have been given applications of this call yet. Assign reviewers"
    )
    assert (await staff_client.get("/admin/calls/999999999/reviews")).status_code == 404
    assert (
        await post_form(staff_client, "/admin/calls/999999999/reviews/remind", {"reviewer_id": "1"})
    ).status_code == 404


async def test_remind_mails_the_reviewer_once_a_day(make_client, smtp):
    staff_client, staff = await _staff_client(make_client)
    call_id, apps = await eligible_applications(2, title="Cēsu konkurss")
    email, reviewer = await _reviewer("Ilze Ābele")
    done_email, done_reviewer = await _reviewer("Jānis Bērzs")
    await service.assign(call_id, apps[0], reviewer.user_id, staff)
    finished = await service.assign(call_id, apps[1], done_reviewer.user_id, staff)
    await service.declare_conflict(finished, done_reviewer, False, "")
    await service.save_scores(finished, done_reviewer, {"K1": 6, "K2": 6}, {}, "", True)
    url = f"/admin/calls/{call_id}/reviews/remind"
    sent = await post_form(staff_client, url, {"reviewer_id": str(reviewer.user_id)})
    assert sent.status_code == 302
    assert (
        sent.headers["location"]
        == f"/admin/calls/{call_id}/reviews?done=reminded#reviewer-{reviewer.user_id}"
    )
    assert (
        notice((await staff_client.get(sent.headers["location"])).text)
        == "The reminder is sent to the reviewer."
    )
    mail = await delivered_to(smtp, email)
    assert mail["Subject"] == "Atgādinājums par jūsu vērtējumiem: Cēsu konkurss"  # the reviewer's Latvian
    assert "/admin/reviews\n" in body_text(mail)
    logged = await AuditEntry.select(AuditEntry.action, AuditEntry.entity_id).where(
        AuditEntry.action == "review_reminder_sent"
    )
    assert {"action": "review_reminder_sent", "entity_id": str(call_id)} in logged
    again = await post_form(staff_client, url, {"reviewer_id": str(reviewer.user_id)})
    assert (
        again.headers["location"]
        == f"/admin/calls/{call_id}/reviews?done=already#reviewer-{reviewer.user_id}"
    )
    await delivered_to(smtp, email)
    reminders = [m for m in smtp.to(email) if m["Subject"].startswith("Atgādinājums")]
    assert len(reminders) == 1
    # Nothing left to do: 409 with the reason; not a number, or too big for an id: 422 next to the field.
    nothing = await post_form(staff_client, url, {"reviewer_id": str(done_reviewer.user_id)})
    assert nothing.status_code == 409
    assert text_of(nothing.text, "div.error-summary") == "This reviewer has nothing left to do in this call."
    assert (
        await OutboxMessage.count().where(
            (OutboxMessage.to_address == done_email) & OutboxMessage.dedupe_key.like("review-%")
        )
        == 0
    )
    for odd in ("", "abc", "99999999999", "1" * 5000, "-3"):
        refused = await post_form(staff_client, url, {"reviewer_id": odd})
        assert refused.status_code == 422, odd
        assert (
            text_of(refused.text, "div.error-summary") == "Choose a reviewer."
        )  # one form a row: said on top
