"""Declining an award before signing: the grantee after a confirmation, staff on their behalf with a
reason, the mails, and the reserve that moves up afterwards."""

from __future__ import annotations

import pytest

from grants.awards.tables import Award
from grants.core.auth import Role
from tests.factories.accounts import login, make_user, post_form, register_applicant
from tests.factories.awards import SECOND, TOP, member_of, scored_call, signed_award, statuses
from tests.factories.scoring import reference_of
from tests.factories.smtp import body_text, delivered_to
from tests.html import field_error, notice, text_of, texts_of

pytestmark = pytest.mark.integration


async def award_of(application_id: int) -> dict:
    return (
        await Award.select(Award.id, Award.status, Award.decline_reason)
        .where(Award.application == application_id)
        .first()
    )


async def decided_with_reserve(client, make_client):
    """TOP awarded, SECOND on the reserve list (one place, 4600 €), awarded by a staff member
    logged in a browser. Returns (call id, apps, staff browser, staff e-mail)."""
    call_id, apps, _, _ = await scored_call(client, [TOP, SECOND], budget="4600.00", quota=1)
    staff_email = await make_user(Role.staff)
    staff = make_client()
    await login(staff, staff_email)
    assert (await post_form(staff, f"/admin/calls/{call_id}/awards/auto", {})).status_code == 302
    assert await statuses(apps) == ["awarded", "reserve"]
    return call_id, apps, staff, staff_email


async def test_grantee_declines_after_the_confirmation_and_the_reserve_moves_up(client, make_client, smtp):
    call_id, apps, staff, staff_email = await decided_with_reserve(client, make_client)
    award = await award_of(apps[0])
    reference = await reference_of(apps[0])
    grantee_email = await member_of(apps[0])
    grantee = make_client()
    await login(grantee, grantee_email)

    page = await grantee.get(f"/my/awards/{award['id']}")
    assert text_of(page.text, "p#decline a") == "Decline the award"
    confirm = await grantee.get(f"/my/awards/{award['id']}/decline")
    assert confirm.status_code == 200
    assert texts_of(confirm.text, "#decline-meaning p") == [
        "Declining means your organisation will not carry out this project with the grant: "
        "the agreement will not be signed and nothing will be paid.",
        "The money goes to the next project on the call's reserve list.",
        "A decline cannot be undone.",
    ]
    assert (await award_of(apps[0]))["status"] == "awarded"  # the confirmation changes nothing

    done = await post_form(
        grantee, f"/my/awards/{award['id']}/decline", {"reason": "Projekta vadītāja aizgāja."}
    )
    assert (done.status_code, done.headers["location"]) == (302, f"/my/awards/{award['id']}?done=declined")
    after = await grantee.get(done.headers["location"])
    assert notice(after.text) == (
        "The award is declined. The programme staff are told; the money goes to the next project on the reserve list."
    )
    assert text_of(after.text, "p#decline") is None  # no second decline offered
    assert await award_of(apps[0]) == {
        "id": award["id"],
        "status": "declined",
        "decline_reason": "Projekta vadītāja aizgāja.",
    }
    assert await statuses(apps) == ["rejected", "reserve"]

    to_grantee = await delivered_to(smtp, grantee_email)
    assert body_text(to_grantee).splitlines()[2] == (  # in the member's language, Latvian by default
        f"Jūsu organizācija atteicās no finansējuma pieteikumam {reference}."
    )
    to_staff = await delivered_to(smtp, staff_email)
    staff_text = body_text(to_staff)
    assert "Projekta vadītāja aizgāja." in staff_text
    assert staff_text.splitlines()[-4].endswith(f"/admin/calls/{call_id}/ranking")

    # The freed place: staff award the next reserve from the ranking.
    moved = await post_form(staff, f"/admin/calls/{call_id}/awards/next-reserve", {})
    assert moved.status_code == 302
    assert await statuses(apps) == ["rejected", "awarded"]


async def test_a_signed_award_cannot_be_declined_409_in_words(client, make_client):
    award = await signed_award(client)
    grantee = make_client()
    await login(grantee, await member_of(award["application_id"]))
    page = await grantee.get(f"/my/awards/{award['award_id']}")
    assert text_of(page.text, "p#decline") is None
    confirm = await grantee.get(f"/my/awards/{award['award_id']}/decline")
    assert text_of(confirm.text, "p#not-declinable") == (
        "This award cannot be declined: only an award whose agreement is not signed yet can be."
    )
    refused = await post_form(grantee, f"/my/awards/{award['award_id']}/decline", {"reason": ""})
    assert refused.status_code == 409
    assert text_of(refused.text, 'div.error-summary[role="alert"] > p') == (
        "Only an award whose agreement is not signed yet can be declined."
    )
    assert (await award_of(award["application_id"]))["status"] == "agreement_signed"


async def test_another_organisation_cannot_decline_404(client, make_client):
    call_id, apps, _, _ = await decided_with_reserve(client, make_client)
    award = await award_of(apps[0])
    other_email, _ = await register_applicant(client)
    other = make_client()
    await login(other, other_email)
    assert (await other.get(f"/my/awards/{award['id']}/decline")).status_code == 404
    refused = await post_form(other, f"/my/awards/{award['id']}/decline", {"reason": "x"})
    assert refused.status_code == 404
    assert (await award_of(apps[0]))["status"] == "awarded"


async def test_staff_decline_needs_a_reason_then_the_ranking_offers_the_next_reserve(
    client, make_client, smtp
):
    call_id, apps, staff, _ = await decided_with_reserve(client, make_client)
    award = await award_of(apps[0])
    listed = await staff.get(f"/admin/awards?award={award['id']}")
    assert text_of(listed.text, f'a[href="/admin/awards/{award["id"]}/decline"]').startswith(
        "Record a decline"
    )
    confirm = await staff.get(f"/admin/awards/{award['id']}/decline")
    assert confirm.status_code == 200
    url = f"/admin/awards/{award['id']}/decline"

    refused = await post_form(staff, url, {"reason": "  "})
    assert refused.status_code == 422
    assert field_error(refused.text, "reason") == "Give the reason for declining the award."
    assert (await award_of(apps[0]))["status"] == "awarded"

    reason = "Biedrība atteicās pa tālruni 5. decembrī."
    done = await post_form(staff, url, {"reason": reason})
    assert (done.status_code, done.headers["location"]) == (
        302,
        f"/admin/calls/{call_id}/ranking?done=declined&application={apps[0]}",
    )
    ranking = await staff.get(done.headers["location"])
    reference = await reference_of(apps[0])
    assert notice(ranking.text) == (
        f"The award of {reference} is declined; its money and place are free. "
        "Award the next application on the reserve list with the button below."
    )
    assert await award_of(apps[0]) == {"id": award["id"], "status": "declined", "decline_reason": reason}
    mail = body_text(await delivered_to(smtp, await member_of(apps[0])))
    assert mail.splitlines()[2] == (
        f"Programmas darbinieki reģistrēja, ka jūsu organizācija atsakās no finansējuma pieteikumam {reference}."
    )
    assert reason in mail

    moved = await post_form(staff, f"/admin/calls/{call_id}/awards/next-reserve", {})
    assert moved.status_code == 302
    assert await statuses(apps) == ["rejected", "awarded"]
    again = await post_form(staff, url, {"reason": reason})
    assert again.status_code == 409
