"""Municipal programme staff (issue 14): who a staff member of some municipalities is, which calls
they reach, which they may create, and that no staff route's record id slips past the app's
MunicipalScope guard (grants/app.py MUNICIPAL_SCOPE)."""

from __future__ import annotations

import re

import pytest

from grants.accounts.queries import staff_covering, staff_readers
from grants.app import MUNICIPAL_SCOPE
from grants.calls import service as calls
from grants.calls.tables import Call
from grants.core.auth import MunicipalScope, Role, access_rules
from grants.core.errors import ValidationFailed
from grants.registry.queries import get_municipality, ids_with_merged
from tests.factories.accounts import bearer, login, make_user, post_form, user_id_of
from tests.factories.calls import call_payload
from tests.factories.scoring import principal_of
from tests.html import field_error, parse

# Path parameters of staff routes that name no record of a call of their own: each is reached only
# through the call_id beside it in the same path, which the guard checks, and the handler looks it
# up within that call. A new parameter goes into MUNICIPAL_SCOPE, or here with that reason.
UNDER_A_CALL = frozenset({"criterion_id", "document_id"})


async def municipality_id(code: str) -> int:
    return (await get_municipality(code))["id"]


async def staff_of(code: str | None):
    email = await make_user(Role.staff, code)
    return email, await principal_of(email)


async def call_in(code: str, **overrides) -> int:
    """A draft call of a municipality, made by national staff."""
    _email, national = await staff_of(None)
    return await calls.create_call(call_payload(municipality_code=code, **overrides), national)


async def varaklani_call() -> int:
    """A call of Varakļānu novads, from before it merged into Madona (no new call can name it)."""
    call_id = await call_in("LV-059", title="Varakļānu jauniešu iniciatīvas")
    await Call.update({Call.municipality: await municipality_id("LV-102")}).where(Call.id == call_id)
    return call_id


@pytest.mark.unit
def test_resolver_for_prefers_the_path_override_over_the_parameter_name():
    def plain(_value):
        return None

    def final(_value):
        return None

    scope = MunicipalScope(
        resolvers={"attachment_id": plain}, overrides={"/api/final-report-attachments/:attachment_id": final}
    )

    assert scope.resolver_for("/api/final-report-attachments/{attachment_id:int}", "attachment_id") is final
    assert scope.resolver_for("/api/attachments/{attachment_id:int}", "attachment_id") is plain
    assert scope.resolver_for("/api/attachments/{attachment_id:int}", "document_id") is None


@pytest.mark.integration
async def test_ids_with_merged_takes_in_varaklani_for_madona_and_nothing_for_jelgava():
    madona, varaklani, jelgava = [await municipality_id(c) for c in ("LV-059", "LV-102", "LV-041")]

    assert await ids_with_merged({madona}) == frozenset({madona, varaklani})
    assert (jelgava in await ids_with_merged({jelgava}), varaklani in await ids_with_merged({jelgava})) == (
        True,
        False,
    )
    assert await ids_with_merged({varaklani}) == frozenset({varaklani})  # merged into, not merging


@pytest.mark.integration
async def test_staff_of_madona_cover_a_varaklani_call_and_not_jelgavas():
    _email, madona = await staff_of("LV-059")
    varaklani, jelgava = await municipality_id("LV-102"), await municipality_id("LV-041")

    assert (madona.national, madona.covers(varaklani), madona.covers(jelgava)) == (False, True, False)
    assert madona.staff_scope == frozenset({await municipality_id("LV-059"), varaklani})


@pytest.mark.integration
async def test_staff_of_several_municipalities_cover_each_and_national_staff_every_one():
    email, _ = await staff_of("LV-016")
    from grants.accounts.service.users import grant_role

    await grant_role(await user_id_of(email), Role.staff, await municipality_id("LV-041"))
    both = await principal_of(email)
    _email, national = await staff_of(None)

    assert both.staff_scope == await ids_with_merged(
        {await municipality_id("LV-016"), await municipality_id("LV-041")}
    )
    assert [both.covers(await municipality_id(c)) for c in ("LV-016", "LV-041", "LV-022")] == [
        True,
        True,
        False,
    ]
    assert (national.national, national.staff_scope, national.covers(await municipality_id("LV-022"))) == (
        True,
        None,
        True,
    )


@pytest.mark.integration
async def test_the_guard_admits_madona_staff_to_a_varaklani_call_and_refuses_jelgava_staff(
    client, make_client
):
    call_id = await varaklani_call()
    seen = {}
    for code in ("LV-059", "LV-041", None):
        browser = make_client()
        await login(browser, (await staff_of(code))[0])
        response = await browser.get(f"/admin/calls/{call_id}/setup")
        seen[code] = (response.status_code, "Varakļānu jauniešu iniciatīvas" in response.text)

    assert seen == {"LV-059": (200, True), "LV-041": (404, False), None: (200, True)}


@pytest.mark.integration
async def test_every_staff_route_parameter_is_scoped_or_named_under_a_call(app):
    unscoped = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", None) or [route.route_handler]:
            rules = access_rules(handler)
            if not any("staff" in rule for rule in rules) or "national-staff" in rules:
                continue  # not a staff route, or national staff's only (every municipality anyway)
            params = re.findall(r"\{(\w+):", route.path)
            for param in params:
                if MUNICIPAL_SCOPE.resolver_for(route.path, param) is not None:
                    continue
                if param in UNDER_A_CALL and "call_id" in params:
                    continue
                unscoped.append(f"{route.path} {param}")

    assert unscoped == []


@pytest.mark.integration
async def test_national_staff_see_every_municipalitys_drafts_and_municipal_staff_their_own(client):
    bauska = await call_in("LV-016", title="Bauskas melnraksts")
    jelgava = await call_in("LV-041", title="Jelgavas melnraksts")
    seen = {}
    for code in ("LV-016", None):
        email, _ = await staff_of(code)
        ids = {
            row["id"] for row in (await client.get("/api/calls", headers=await bearer(client, email))).json()
        }
        seen[code] = (bauska in ids, jelgava in ids)

    assert seen == {"LV-016": (True, False), None: (True, True)}


@pytest.mark.integration
async def test_the_back_office_list_of_calls_is_the_staff_members_municipalities(make_client):
    await call_in("LV-016", title="Bauskas saraksta konkurss")
    await call_in("LV-041", title="Jelgavas saraksta konkurss")
    pages = {}
    for code in ("LV-041", None):
        browser = make_client()
        await login(browser, (await staff_of(code))[0])
        text = (await browser.get("/admin/calls")).text
        pages[code] = ("Bauskas saraksta konkurss" in text, "Jelgavas saraksta konkurss" in text)

    assert pages == {"LV-041": (False, True), None: (True, True)}


@pytest.mark.integration
async def test_creating_a_call_of_another_municipality_is_refused_by_the_api(client):
    email, _ = await staff_of("LV-016")
    headers = await bearer(client, email)
    before = await Call.count()

    refused = await client.post("/api/calls", json=call_payload(municipality_code="LV-041"), headers=headers)
    allowed = await client.post("/api/calls", json=call_payload(municipality_code="LV-016"), headers=headers)

    assert refused.status_code == 422
    assert refused.json()["extra"] == {
        "municipality_code": "You run the calls of your own municipalities only: choose one of them."
    }
    assert (allowed.status_code, allowed.json()["municipality"]["code"]) == (201, "LV-016")
    assert await Call.count() == before + 1


@pytest.mark.integration
async def test_changing_ones_call_to_another_municipality_is_refused(client):
    email, bauska_staff = await staff_of("LV-016")
    call_id = await calls.create_call(call_payload(municipality_code="LV-016"), bauska_staff)

    response = await client.put(
        f"/api/calls/{call_id}",
        json=call_payload(municipality_code="LV-041"),
        headers=await bearer(client, email),
    )

    assert response.status_code == 422
    assert list(response.json()["extra"]) == ["municipality_code"]
    row = await Call.select(Call.municipality.code.as_alias("code")).where(Call.id == call_id).first()
    assert row == {"code": "LV-016"}


@pytest.mark.integration
async def test_the_set_up_form_offers_only_ones_municipality_and_refuses_another_in_latvian(make_client):
    browser = make_client(language=None)  # Latvian, the default
    await login(browser, (await staff_of("LV-016"))[0])

    form = parse((await browser.get("/admin/calls/new")).text)
    options = [o["value"] for o in form.select("select[name=municipality_code] option") if o.get("value")]
    fields = {"municipality_code": "LV-041", "title": "Svešs konkurss", "budget": "46000", "quota": "10"}
    fields |= {"opens_at": "2027-03-01T09:00", "closes_at": "2027-06-30T23:59"}
    refused = await post_form(browser, "/admin/calls/new", fields)

    assert options == ["LV-016"]
    assert refused.status_code == 422
    assert field_error(refused.text, "municipality_code") == (
        "Jūs vadāt tikai savu pašvaldību konkursus: izvēlieties kādu no tām."
    )
    assert await Call.count().where(Call.title == "Svešs konkurss") == 0


@pytest.mark.integration
async def test_cloning_follows_the_same_rule():
    _email, jelgava_staff = await staff_of("LV-041")
    bauska_call = await call_in("LV-016", title="Klonējamais konkurss")

    with pytest.raises(ValidationFailed) as refused:
        await calls.clone_call(bauska_call, jelgava_staff)

    assert list(refused.value.errors) == ["municipality_code"]
    assert await Call.count().where(Call.title == "Klonējamais konkurss") == 1


@pytest.mark.integration
async def test_mail_about_a_call_goes_to_its_municipalitys_staff_and_to_national_staff_without_any():
    bauska_email, _ = await staff_of("LV-016")
    jelgava_email, _ = await staff_of("LV-041")
    national_email, _ = await staff_of(None)
    bauska, jelgava, national = [await user_id_of(e) for e in (bauska_email, jelgava_email, national_email)]
    cesis = await municipality_id("LV-022")  # no staff of its own here … unless another test made some

    to_bauska = await staff_covering(await municipality_id("LV-016"))
    to_cesis = await staff_covering(cesis)

    assert bauska in to_bauska and jelgava not in to_bauska and national not in to_bauska
    assert (national in to_cesis) == (not any(await _municipal_staff_of(cesis)))
    assert await staff_readers(national, await municipality_id("LV-016")) == [national]
    assert jelgava not in await staff_readers(jelgava, await municipality_id("LV-016"))


async def _municipal_staff_of(municipality: int) -> list[int]:
    from grants.accounts.tables import UserRole

    rows = await UserRole.select(UserRole.user).where(
        (UserRole.role == Role.staff) & (UserRole.municipality == municipality)
    )
    return [row["user"] for row in rows]


@pytest.mark.integration
async def test_a_photo_on_the_coordinators_pages_belongs_to_its_schools_municipality(make_client):
    """An event held in a Jelgava school under a Bauska call: on the coordinator's pages its photo is
    Jelgava's (its staff see it, Bauska's do not); in the back office the event stays Bauska's."""
    from tests.factories import reporting_rows as data
    from tests.factories.coordinator import photo

    school = await data.school("LV-041", "Garozas pamatskola")
    project = await data.project(await data.call("LV-016"), title="Bauskas projekts Jelgavas skolā")
    event = await data.event(project.award, school, title="Darbnīca Garozā")
    shown = await photo(event, consent=True)
    seen = {}
    for code in ("LV-041", "LV-016"):
        browser = make_client()
        await login(browser, (await staff_of(code))[0])
        urls = (
            f"/municipality/{code}/photos/{shown['id']}",
            f"/municipality/{code}/photos/{shown['id']}/thumbnail",
            f"/admin/reports/events/{event}",
        )
        seen[code] = [(await browser.get(url)).status_code for url in urls]
        if code == "LV-041":
            listed = await browser.get("/municipality/LV-041/events")
            photo_links = [a["href"] for a in parse(listed.text).select(f"#event-{event} ul.photos a")]
            assert photo_links == [f"/municipality/LV-041/photos/{shown['id']}"]
            full = await browser.get(photo_links[0])
            assert full.content == shown["image"]

    assert seen == {"LV-041": [200, 200, 404], "LV-016": [404, 404, 200]}


async def test_api_me_names_a_staff_member_s_municipalities_and_national_staff_none(client):
    """/api/me: a municipal staff member's municipalities (with those merged into them), null for
    national staff, and no such field for anyone else."""
    from tests.factories.accounts import bearer, make_user

    madona = await client.get("/api/me", headers=await bearer(client, await make_user(Role.staff, "LV-059")))
    assert madona.json()["staff_municipalities"] == ["LV-059", "LV-102"]  # Varakļāni merged into Madona
    national = await client.get("/api/me", headers=await bearer(client, await make_user(Role.staff)))
    assert national.json()["staff_municipalities"] is None
    coordinator = await client.get(
        "/api/me", headers=await bearer(client, await make_user(Role.coordinator, "LV-016"))
    )
    assert "staff_municipalities" not in coordinator.json()
