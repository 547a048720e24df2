"""The Data section as people read it: labels in the reader's language, euros, Riga time, the site's name."""

from __future__ import annotations

import json
import re

import pytest

from admin.labels import COLUMNS, TABLE_COLUMNS
from admin.page import BUNDLE_PATH, PATCHES
from admin.panel import PANEL_TABLES, TABLE_CONFIGS
from admin.readable import is_money
from grants.awards.tables import Payment
from grants.calls.tables import Call
from tests.factories.awards import signed_award
from tests.factories.calls import published_call
from tests.factories.panel import panel_staff
from tests.html import parse

pytestmark = pytest.mark.integration

CLOSES = "2031-01-15T08:30:00+00:00"  # 10:30 in Riga (winter, UTC+2)


async def _call(client) -> int:
    call = await published_call(client, closes_at=CLOSES, budget="46000.00")
    return call["id"]


def _by_id(rows: list[dict], row_id: int) -> dict:
    return next(row for row in rows if row["id"] == row_id)


async def test_call_list_shows_euros_and_riga_time_in_latvian(make_client):
    latvian = make_client(language=None)
    await panel_staff(latvian)
    call_id = await _call(latvian)
    rows = (await latvian.get(f"/admin/data/api/tables/grant_call/?id={call_id}&__readable=true")).json()
    row = _by_id(rows["rows"], call_id)
    assert row["budget_cents"] == "46\xa0000,00\xa0€"
    assert row["max_amount_cents"] == "4\xa0600,00\xa0€"
    assert row["closes_at"] == "2031. gada 15. janvāris 10:30"
    assert row["municipality_readable"] == "Bauskas novads (LV-016)"


async def test_call_list_shows_euros_and_riga_time_in_english(client):
    await panel_staff(client)
    call_id = await _call(client)
    rows = (await client.get(f"/admin/data/api/tables/grant_call/?id={call_id}")).json()["rows"]
    row = _by_id(rows, call_id)
    assert row["budget_cents"] == "€46,000.00"
    assert row["closes_at"] == "January 15, 2031 10:30\u202fAM"
    stored = await Call.select(Call.budget_cents).where(Call.id == call_id).first()
    assert stored == {"budget_cents": 4600000}  # the database keeps cents


async def test_call_row_form_has_euros_and_the_moment_for_its_time_field(client):
    await panel_staff(client)
    call_id = await _call(client)
    row = (await client.get(f"/admin/data/api/tables/grant_call/{call_id}/")).json()
    assert row["budget_cents"] == "€46,000.00"
    # The form's time field takes the moment and shows it in its time zone (Europe/Riga by default).
    assert row["closes_at"] == "2031-01-15T08:30:00Z"


async def test_payment_list_shows_the_advance_in_euros(client):
    award = await signed_award(client)
    await panel_staff(client)
    rows = (await client.get(f"/admin/data/api/tables/payment/?award={award['award_id']}")).json()["rows"]
    assert [(row["kind"], row["amount_cents"]) for row in rows] == [("advance", "€4,140.00")]
    stored = await Payment.select(Payment.amount_cents).where(Payment.award == award["award_id"])
    assert stored == [{"amount_cents": 414000}]


async def test_schema_labels_follow_the_language(make_client):
    latvian = make_client(language=None)
    await panel_staff(latvian)
    schema = (await latvian.get("/admin/data/api/tables/grant_call/schema/")).json()
    titles = {name: field["title"] for name, field in schema["properties"].items()}
    assert (titles["budget_cents"], titles["closes_at"], titles["status"]) == (
        "Budžets",
        "Beidzas",
        "Statuss",
    )
    assert schema["properties"]["budget_cents"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    statuses = schema["properties"]["status"]["extra"]["choices"]
    assert statuses["published"]["display_name"] == "Publicēts"

    english = make_client()
    await panel_staff(english)
    schema = (await english.get("/admin/data/api/tables/grant_call/schema/")).json()
    titles = {name: field["title"] for name, field in schema["properties"].items()}
    assert (titles["budget_cents"], titles["closes_at"], titles["status"]) == ("Budget", "Closes", "Status")
    assert schema["properties"]["status"]["extra"]["choices"]["published"]["display_name"] == "Published"


async def test_user_table_has_no_piccolo_names(client):
    await panel_staff(client)
    schema = (await client.get("/admin/data/api/tables/piccolo_user/schema/")).json()
    titles = [field["title"] for field in schema["properties"].values()]
    assert titles == [
        "Login e-mail",
        "Password",
        "First name",
        "Last name",
        "E-mail",
        "Active",
        "Back-office user",
        "Programme staff",
        "Last login",
    ]


async def test_menu_groups_links_and_site_name_follow_the_language(make_client):
    latvian = make_client(language=None)
    await panel_staff(latvian)
    grouped = (await latvian.get("/admin/data/api/tables/grouped/")).json()["grouped"]
    assert set(grouped) == {
        "Konkursi",
        "Pieteikumi",
        "Līdzekļu piešķiršana",
        "Reģistrs",
        "Konti",
        "Audits",
        "Pasts",
    }
    assert sorted(grouped["Konkursi"]) == [
        "call_criterion",
        "grant_call",
    ]  # the addresses keep the table names
    assert (await latvian.get("/admin/data/api/links/")).json() == {"Darba vide": "/admin/"}
    assert (await latvian.get("/admin/data/public/meta/")).json()["site_name"] == "Granti"
    assert (await latvian.get("/admin/data/public/translations/")).json()["default_language_code"] == "lv"

    english = make_client()
    await panel_staff(english)
    assert (await english.get("/admin/data/api/links/")).json() == {"Back office": "/admin/"}
    assert (await english.get("/admin/data/public/meta/")).json()["site_name"] == "Grants"
    assert (await english.get("/admin/data/public/translations/")).json()["default_language_code"] == "en"
    forms = (await english.get("/admin/data/api/forms/grouped/")).json()["grouped"]
    assert sorted(forms) == ["Accounts", "Mail"]  # calls are run in the back office, not by panel forms


async def test_page_carries_the_language_name_colours_and_table_labels(make_client):
    latvian = make_client(language=None)
    page = await latvian.get("/admin/data/")
    html = parse(page.text)
    assert html.select_one("html")["lang"] == "lv"
    assert html.select_one("title").text == "Dati · Granti"
    assert [link["href"] for link in html.select("link[rel=stylesheet]")][-1] == "/static/css/panel.css"
    data = json.loads(html.select_one("script#grants-panel").text)
    assert data["language"] == "lv"
    assert data["tables"]["grant_call"] == "Konkursi"
    assert data["tables"]["piccolo_user"] == "Lietotāji"
    # panel.js is a classic script: it runs before piccolo's module script, which waits for the page.
    assert html.select_one("script[src='/static/js/panel.js']").get("type") is None
    bundle = html.select_one("script[type=module]")["src"]
    assert re.fullmatch(r"\./assets/index-[\w-]+\.js\?v=[0-9a-f]{12}", bundle)

    english = make_client()
    html = parse((await english.get("/admin/data/")).text)
    assert html.select_one("html")["lang"] == "en"
    assert json.loads(html.select_one("script#grants-panel").text)["tables"]["grant_call"] == "Calls"


async def test_panel_script_is_served_with_the_site_labels_and_riga_time(client):
    bundle = await client.get("/admin/data" + BUNDLE_PATH)
    assert bundle.status_code == 200
    assert bundle.headers["content-type"] == "text/javascript; charset=utf-8"
    for _old, new, count in PATCHES:
        assert bundle.text.count(new) == count
    assert 'localStorage.getItem(Gs)??"UTC"' not in bundle.text
    assert (await client.get("/static/css/panel.css")).status_code == 200
    assert "grantsTableLabel" in (await client.get("/static/js/panel.js")).text


@pytest.mark.unit
def test_a_money_column_is_never_edited_in_the_panel():
    """Money is shown as text in euros: a table that holds money refuses every write here (read_only)."""
    with_money = [
        config for config in TABLE_CONFIGS if any(is_money(c) for c in config.table_class._meta.columns)
    ]
    assert sorted(config.table_class._meta.tablename for config in with_money) == [
        "application",
        "award",
        "grant_call",
        "payment",
    ]
    for config in with_money:
        for method in ("post_single", "patch_single", "put_single", "delete_single"):
            assert [check.__name__ for check in getattr(config.validators, method)] == ["refuse"]


@pytest.mark.unit
def test_every_panel_column_has_a_label():
    missing = [
        (table, column._meta.name)
        for table, cls in PANEL_TABLES.items()
        for column in cls._meta.columns
        if column._meta.name not in COLUMNS and (table, column._meta.name) not in TABLE_COLUMNS
    ]
    assert missing == []
