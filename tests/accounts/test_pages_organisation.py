"""The organisation's page in the account: its owner approves or refuses requests to join, invites
colleagues and revokes invitations; a member only looks; the invitation's link, in each of its cases."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest

from grants.accounts.rules import token_hash
from grants.accounts.tables import AccountProfile, Invitation
from grants.core.auth import SESSION_COOKIE
from grants.core.time import now
from tests.factories.accounts import (
    PASSWORD,
    join_request_status,
    login,
    make_join_request,
    make_member,
    make_person,
    memberships,
    post_form,
    register_applicant,
    unique_email,
    user_id_of,
)
from tests.factories.smtp import body_text, delivered_to
from tests.html import error_summary, links, text_of, texts_of

pytestmark = pytest.mark.integration

LINK = re.compile(r"http\S*/invitations/([A-Za-z0-9_-]+)")


async def _owner_browser(make_client):
    """A new organisation's owner, logged in: (browser, owner's e-mail, organisation id)."""
    browser = make_client()
    email, ids = await register_applicant(browser)
    await login(browser, email)
    return browser, email, ids["organisation_id"]


async def test_organisation_page_shows_members_and_requests_to_the_owner(make_client):
    browser, owner_email, org = await _owner_browser(make_client)
    person_email, person = await make_person("Pēteris Kalniņš")
    request_id = await make_join_request(person, org, "Esmu <b>valdē</b>")

    page = await browser.get("/account/organisation")

    assert page.status_code == 200
    assert texts_of(page.text, "#members .email") == [owner_email]
    assert text_of(page.text, f"#request-{request_id} .email") == person_email
    assert text_of(page.text, f"#request-{request_id} .message") == "Esmu <b>valdē</b>"
    assert "Esmu &lt;b&gt;valdē&lt;/b&gt;" in page.text  # escaped
    account = await browser.get("/account")
    assert "/account/organisation" in links(account.text, ".actions-list a")


async def test_approve_by_the_owner_makes_a_member_and_mails_them(make_client, smtp):
    browser, _owner, org = await _owner_browser(make_client)
    person_email, person = await make_person("Pēteris Kalniņš")
    request_id = await make_join_request(person, org)

    response = await post_form(browser, f"/account/organisation/requests/{request_id}/approve", {})

    assert response.status_code == 302
    assert response.headers["location"] == "/account/organisation?done=approved"
    assert await memberships(person) == [(org, "member")]
    page = await browser.get(response.headers["location"])
    assert text_of(page.text, ".notice") == "The request is approved: the person is now a member."
    assert person_email in texts_of(page.text, "#members .email")
    mail = await delivered_to(smtp, person_email)
    assert (
        mail["Subject"] == "Jūs tagad esat organizācijas Biedrība “Tests” dalībnieks sistēmā Granti"
    )  # no profile: Latvian
    assert body_text(mail).splitlines()[2] == (
        "Jūsu pieprasījums pievienoties organizācijai Biedrība “Tests” ir apstiprināts: tagad esat organizācijas"
        " dalībnieks sistēmā Granti."
    )


async def test_refuse_asks_first_then_refuses_and_mails_in_their_language(make_client, smtp):
    browser, _owner, org = await _owner_browser(make_client)
    person_email, person = await make_person("Pēteris Kalniņš")
    await AccountProfile.insert(AccountProfile(user=person, language="en", email_confirmed_at=now()))
    request_id = await make_join_request(person, org)

    confirm = await browser.get(f"/account/organisation/requests/{request_id}/refuse")
    assert confirm.status_code == 200
    assert text_of(confirm.text, "h1") == "Refuse the request"
    assert await join_request_status(request_id) == "pending"  # the question changed nothing

    response = await post_form(browser, f"/account/organisation/requests/{request_id}/refuse", {})

    assert response.headers["location"] == "/account/organisation?done=refused"
    assert await join_request_status(request_id) == "refused"
    assert await memberships(person) == []
    mail = await delivered_to(smtp, person_email)
    assert mail["Subject"] == "Your request to join Biedrība “Tests” was refused"


async def test_second_decision_is_a_409_with_a_clear_message(make_client):
    browser, _owner, org = await _owner_browser(make_client)
    _email, person = await make_person()
    request_id = await make_join_request(person, org)
    await post_form(browser, f"/account/organisation/requests/{request_id}/refuse", {})

    again = await post_form(browser, f"/account/organisation/requests/{request_id}/approve", {})

    assert again.status_code == 409
    assert text_of(again.text, ".error-summary") == "This request has already been decided."
    assert await memberships(person) == []


async def test_member_who_is_not_owner_sees_the_list_and_gets_403_on_actions(make_client):
    _owner_browser_, owner_email, org = await _owner_browser(make_client)
    member_email, member = await make_person("Ilze Biedre")
    await make_member(member, org)
    _asker, asker = await make_person()
    request_id = await make_join_request(asker, org)
    owner = await user_id_of(owner_email)
    invitation_rows = await Invitation.insert(
        Invitation(
            organisation=org,
            email=unique_email(),
            token_hash=token_hash(secrets.token_urlsafe(32)),
            invited_by=owner,
            expires_at=now() + timedelta(days=7),
        )
    ).returning(Invitation.id)
    browser = make_client()
    await login(browser, member_email)

    page = await browser.get("/account/organisation")
    assert sorted(texts_of(page.text, "#members .email")) == sorted([owner_email, member_email])
    assert texts_of(page.text, "#requests") == []  # requests and invitations are the owners' business
    assert texts_of(page.text, "#f-role option") == ["Member"]  # a member invites members only

    attempts = [
        (f"/account/organisation/requests/{request_id}/approve", {}),
        (f"/account/organisation/requests/{request_id}/refuse", {}),
        (f"/account/organisation/invitations/{invitation_rows[0]['id']}/revoke", {}),
    ]
    for url, data in attempts:
        response = await post_form(browser, url, data)
        assert (url, response.status_code) == (url, 403)
    assert (await browser.get(f"/account/organisation/requests/{request_id}/refuse")).status_code == 403
    assert await join_request_status(request_id) == "pending"
    assert await memberships(asker) == []
    assert await Invitation.count().where(Invitation.organisation == org) == 1
    revoked = await Invitation.select(Invitation.revoked_at).where(Invitation.organisation == org)
    assert revoked == [{"revoked_at": None}]


async def test_another_organisations_request_is_404_and_unchanged(make_client):
    browser, _owner, _org = await _owner_browser(make_client)
    _other_browser, _other_owner, other_org = await _owner_browser(make_client)
    _email, person = await make_person()
    request_id = await make_join_request(person, other_org)

    for action in ("approve", "refuse"):
        response = await post_form(browser, f"/account/organisation/requests/{request_id}/{action}", {})
        assert (action, response.status_code) == (action, 404)
    assert (await browser.get(f"/account/organisation/requests/{request_id}/refuse")).status_code == 404
    assert await join_request_status(request_id) == "pending"
    assert await memberships(person) == []


async def test_person_without_organisation_sees_their_requests(make_client):
    _browser, _owner, org = await _owner_browser(make_client)
    email, person = await make_person()
    await make_join_request(person, org)
    browser = make_client()
    await login(browser, email)

    page = await browser.get("/account/organisation")

    assert texts_of(page.text, "#my-requests tbody td:nth-child(3)") == ["Waiting for a decision"]
    assert texts_of(page.text, "#my-requests tbody td:first-child") == ["Biedrība “Tests”"]


async def _invite(browser, email: str, role: str, smtp) -> str:
    response = await post_form(browser, "/account/organisation/invitations", {"email": email, "role": role})
    assert response.headers["location"] == "/account/organisation?done=invited", response.text
    match = LINK.search(body_text(await delivered_to(smtp, email)))
    assert match is not None
    return match.group(1)


async def test_invite_then_accept_as_a_new_person_from_the_mail(make_client, smtp):
    browser, _owner, org = await _owner_browser(make_client)
    email = unique_email("colleague")
    token = await _invite(browser, email, "member", smtp)
    listed = await browser.get("/account/organisation")
    assert texts_of(listed.text, "#invitations .email") == [email]

    colleague = make_client()
    page = await colleague.get(f"/invitations/{token}")
    assert page.status_code == 200
    assert text_of(page.text, "h1") == "Join Biedrība “Tests”"
    mismatch = await post_form(
        colleague, f"/invitations/{token}", {"name": " ", "password": PASSWORD, "password2": "x"}
    )
    assert mismatch.status_code == 422
    # Both mistakes in one answer: the missing name is not left for a second try.
    assert error_summary(mismatch.text) == ["Enter your name.", "The passwords do not match."]
    response = await post_form(
        colleague,
        f"/invitations/{token}",
        {"name": "Ieva Liepa", "password": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["location"] == "/account/organisation?done=joined"
    assert SESSION_COOKIE in colleague.cookies
    user_id = await user_id_of(email)
    assert await memberships(user_id) == [(org, "member")]
    confirmed = await AccountProfile.select(AccountProfile.email_confirmed_at).where(
        AccountProfile.user == user_id
    )
    assert confirmed[0]["email_confirmed_at"] is not None
    joined = await colleague.get(response.headers["location"])
    assert text_of(joined.text, ".notice") == "Welcome: you are now a member of the organisation."
    used = await make_client().get(f"/invitations/{token}")
    assert (used.status_code, text_of(used.text, "h1")) == (410, "This invitation has been used")


async def test_invite_for_an_address_with_an_account_asks_to_log_in_then_accept(make_client, smtp):
    browser, _owner, org = await _owner_browser(make_client)
    email, person = await make_person()
    token = await _invite(browser, email, "owner", smtp)
    invited = make_client()

    page = await invited.get(f"/invitations/{token}")
    assert links(page.text, "main a.button") == [f"/login?next=%2Finvitations%2F{token}"]
    creating = await post_form(
        invited, f"/invitations/{token}", {"name": "X", "password": PASSWORD, "password2": PASSWORD}
    )
    assert (
        text_of(creating.text, "main p")
        == "There is an account with this address. Log in with it to accept the invitation."
    )
    await login(invited, email)
    page = await invited.get(f"/invitations/{token}")
    assert text_of(page.text, "main form button") == "Accept the invitation"
    response = await post_form(invited, f"/invitations/{token}/accept", {})

    assert response.headers["location"] == "/account/organisation?done=joined"
    assert await memberships(person) == [(org, "owner")]


async def test_invitation_opened_by_another_signed_in_user_is_refused(make_client, smtp):
    browser, _owner, org = await _owner_browser(make_client)
    email, person = await make_person()
    token = await _invite(browser, email, "owner", smtp)
    other_email, other = await make_person()
    other_browser = make_client()
    await login(other_browser, other_email)

    page = await other_browser.get(f"/invitations/{token}")
    accept = await post_form(other_browser, f"/invitations/{token}/accept", {})

    assert page.status_code == 403
    assert accept.status_code == 403
    assert text_of(accept.text, ".error-summary p") == (
        f"You are logged in as {other_email}, but this invitation is for another address. "
        "Log out, then open the link again."
    )
    assert await memberships(other) == []
    assert await memberships(person) == []
    row = (
        await Invitation.select(Invitation.accepted_at)
        .where(Invitation.token_hash == token_hash(token))
        .first()
    )
    assert row["accepted_at"] is None


async def test_invitation_expired_revoked_or_unknown_has_a_clear_page(make_client, smtp):
    browser, _owner, org = await _owner_browser(make_client)
    expired = await _invite(browser, unique_email("late"), "member", smtp)
    await Invitation.update({Invitation.expires_at: now() - timedelta(minutes=1)}).where(
        Invitation.token_hash == token_hash(expired)
    )
    revoked_email = unique_email("revoked")
    revoked = await _invite(browser, revoked_email, "member", smtp)
    row = await Invitation.select(Invitation.id).where(Invitation.token_hash == token_hash(revoked)).first()
    response = await post_form(browser, f"/account/organisation/invitations/{row['id']}/revoke", {})
    assert response.headers["location"] == "/account/organisation?done=revoked"
    visitor = make_client()

    cases = {
        expired: (410, "This invitation has expired"),
        revoked: (410, "This invitation has been revoked"),
        secrets.token_urlsafe(32): (404, "This invitation link is not valid"),
        "y" * 500: (404, "This invitation link is not valid"),
    }
    for token, expected in cases.items():
        page = await visitor.get(f"/invitations/{token}")
        assert (page.status_code, text_of(page.text, "h1")) == expected
        joined = await post_form(
            visitor, f"/invitations/{token}", {"name": "Ieva", "password": PASSWORD, "password2": PASSWORD}
        )
        assert (joined.status_code, text_of(joined.text, "h1")) == expected
    assert await user_id_of_or_none(revoked_email) is None


async def user_id_of_or_none(email: str) -> int | None:
    from grants.accounts.queries import user_id_by_email

    return await user_id_by_email(email)


async def test_accepting_while_in_another_organisation_is_refused(make_client, smtp):
    browser, _owner, org = await _owner_browser(make_client)
    _other_browser, _other_owner, other_org = await _owner_browser(make_client)
    email, person = await make_person()
    await make_member(person, other_org)
    token = await _invite(browser, email, "member", smtp)
    invited = make_client()
    await login(invited, email)

    response = await post_form(invited, f"/invitations/{token}/accept", {})

    assert response.status_code == 409
    assert text_of(response.text, ".error-summary p") == (
        "This person already belongs to an organisation; a person can belong to only one."
    )
    assert await memberships(person) == [(other_org, "member")]


async def test_approving_a_member_elsewhere_is_refused_on_the_page(make_client):
    browser, _owner, org = await _owner_browser(make_client)
    _other_browser, _other_owner, other_org = await _owner_browser(make_client)
    _email, person = await make_person()
    request_id = await make_join_request(person, org)
    await make_member(person, other_org)

    response = await post_form(browser, f"/account/organisation/requests/{request_id}/approve", {})

    assert response.status_code == 409
    assert text_of(response.text, ".error-summary") == (
        "This person already belongs to an organisation; a person can belong to only one."
    )
    assert await join_request_status(request_id) == "pending"
    assert await memberships(person) == [(other_org, "member")]


async def test_invite_form_errors_stand_next_to_the_fields(make_client):
    browser, _owner, org = await _owner_browser(make_client)

    response = await post_form(
        browser, "/account/organisation/invitations", {"email": "nope", "role": "boss"}
    )

    assert response.status_code == 422
    assert text_of(response.text, "#f-email-error") == "Enter a valid e-mail address."
    assert text_of(response.text, "#f-role-error") == "Choose owner or member."
    assert await Invitation.count().where(Invitation.organisation == org) == 0


async def test_member_invites_a_member_but_never_an_owner(make_client, smtp):
    _owner_browser_, _owner_email, org = await _owner_browser(make_client)
    member_email, member = await make_person("Ilze Biedre")
    await make_member(member, org)
    browser = make_client()
    await login(browser, member_email)
    as_owner = unique_email("would-be-owner")

    refused = await post_form(
        browser, "/account/organisation/invitations", {"email": as_owner, "role": "owner"}
    )

    assert refused.status_code == 422
    assert text_of(refused.text, "#f-role-error") == "Only an owner can invite another owner."
    assert await Invitation.count().where(Invitation.email == as_owner) == 0
    assert smtp.to(as_owner) == []

    colleague = unique_email("colleague")
    token = await _invite(browser, colleague, "member", smtp)
    invited = await Invitation.select(Invitation.role, Invitation.invited_by).where(
        Invitation.token_hash == token_hash(token)
    )
    assert invited == [{"role": "member", "invited_by": member}]
