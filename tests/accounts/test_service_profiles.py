"""Mail in its recipient's language: Latvian unless the user chose English (the language switch of
a signed-in user is stored in their profile), per member of an organisation."""

from __future__ import annotations

import pytest

from grants.accounts.queries import Recipient, member_recipients, user_id_by_email, user_recipients
from grants.accounts.service.profiles import set_language
from grants.accounts.service.users import deactivate_user
from grants.accounts.tables import AccountProfile, Membership
from grants.applications.tables import Application
from grants.core.auth import Role
from tests.factories.accounts import login, make_user, staff_headers
from tests.factories.applications import eligible_applications
from tests.factories.awards import member_of
from tests.factories.mail import outbox_for

pytestmark = pytest.mark.integration


async def _profile(user_id: int) -> dict | None:
    return await AccountProfile.select().where(AccountProfile.user == user_id).first()


async def test_language_switch_of_a_signed_in_user_is_stored_and_confirmed_stays(client):
    email = await make_user(Role.applicant)
    user_id = await user_id_by_email(email)
    await login(client, email)
    assert await _profile(user_id) is None
    switched = await client.get("/lang/en?next=/account")
    assert (switched.status_code, switched.headers["location"]) == (302, "/account")
    profile = await _profile(user_id)
    assert profile["language"] == "en"
    assert profile["email_confirmed_at"] is not None  # made by staff: it counted as confirmed before
    await client.get("/lang/lv")
    assert (await _profile(user_id))["language"] == "lv"
    await client.get("/lang/de")  # not a language of ours: nothing changes
    assert (await _profile(user_id))["language"] == "lv"
    assert await AccountProfile.count().where(AccountProfile.user == user_id) == 1


async def test_language_switch_keeps_an_unconfirmed_address_unconfirmed(client):
    email = await make_user(Role.applicant)
    user_id = await user_id_by_email(email)
    await AccountProfile.insert(AccountProfile(user=user_id, language="lv", email_confirmed_at=None))
    await login(client, email)
    await client.get("/lang/en")
    profile = await _profile(user_id)
    assert (profile["language"], profile["email_confirmed_at"]) == ("en", None)


async def test_language_switch_without_a_session_stores_nothing(client):
    before = await AccountProfile.count()
    response = await client.get("/lang/en")
    assert response.status_code == 302
    assert response.cookies["lang"] == "en"
    assert await AccountProfile.count() == before


async def test_member_recipients_carry_each_members_language_and_leave_out_the_inactive():
    call_id, [application_id] = await eligible_applications(1)
    organisation = (
        await Application.select(Application.organisation).where(Application.id == application_id).first()
    )["organisation"]
    owner = await member_of(application_id)
    english, gone = await make_user(Role.applicant), await make_user(Role.applicant)
    for email in (english, gone):
        user_id = await user_id_by_email(email)
        await Membership.insert(Membership(user=user_id, organisation=organisation, role="member"))
    assert await set_language(await user_id_by_email(english), "en") is True
    assert await set_language(await user_id_by_email(english), "xx") is False
    await deactivate_user(await user_id_by_email(gone), None)
    assert await member_recipients(organisation) == sorted([Recipient(owner, "lv"), Recipient(english, "en")])
    ids = [await user_id_by_email(e) for e in (owner, english)]
    assert await user_recipients(ids) == {ids[0]: Recipient(owner, "lv"), ids[1]: Recipient(english, "en")}


async def test_decision_mail_goes_to_each_member_in_their_language(client, make_client):
    call_id, [application_id] = await eligible_applications(1)
    app = (
        await Application.select(Application.organisation, Application.reference)
        .where(Application.id == application_id)
        .first()
    )
    latvian = await member_of(application_id)
    english = await make_user(Role.applicant)
    await Membership.insert(
        Membership(user=await user_id_by_email(english), organisation=app["organisation"], role="member")
    )
    browser = make_client(language=None)  # the switch is what counts, not the browser's language
    await login(browser, english)
    await browser.get("/lang/en")

    staff = await staff_headers(client)
    closed = await client.post(f"/api/calls/{call_id}/close", headers=staff)
    assert closed.status_code == 200, closed.text
    body = {"application_id": application_id, "reason": "Piešķirts bez vērtēšanas testam."}
    awarded = await client.post(f"/api/calls/{call_id}/awards", json=body, headers=staff)
    assert awarded.status_code == 201, awarded.text

    reference = app["reference"]
    [lv_mail] = [m for m in await outbox_for(latvian) if (m["dedupe_key"] or "").startswith("decision:")]
    [en_mail] = [m for m in await outbox_for(english) if (m["dedupe_key"] or "").startswith("decision:")]
    assert lv_mail["subject"] == f"Pieteikumam {reference} ir piešķirts finansējums"
    assert en_mail["subject"] == f"Application {reference} is awarded a grant"
    assert lv_mail["body_text"].splitlines()[:3] == [
        "Labdien!",
        "",
        f"Pieteikumam {reference} ir piešķirts finansējums 4\xa0600,00\xa0€ apmērā.",
    ]
    assert en_mail["body_text"].splitlines()[:3] == [
        "Hello!",
        "",
        f"The application {reference} is awarded a grant of €4,600.00.",
    ]
    assert (lv_mail["dedupe_key"], en_mail["dedupe_key"]) == (
        f"decision:{application_id}:awarded:{latvian}",
        f"decision:{application_id}:awarded:{english}",
    )
