"""The home page (issue 14): open calls come first, the soonest deadline on top, each with its
municipality, amount, deadline in Riga time and the time left; a draft, upcoming or closed call is
not among them; with none open, one line says so and links the calls."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.calls.states import time_left
from grants.calls.tables import Call
from grants.core.i18n import set_language
from grants.core.money import display_cents
from grants.core.time import format_riga, from_db, now
from tests.factories.reporting_rows import municipality_id
from tests.html import parse, text_of

DAY = timedelta(days=1)


async def insert_call(
    title: str,
    municipality: str,
    closes_in: timedelta,
    *,
    status: str = "published",
    opened: timedelta = timedelta(days=10),
    max_cents: int = 460_000,
    fixed: bool = False,
) -> int:
    closes = now() + closes_in
    rows = await Call.insert(
        Call(
            title=title,
            municipality=await municipality_id(municipality),
            status=status,
            budget_cents=4_600_000,
            max_amount_cents=max_cents,
            fixed_amount=fixed,
            quota=10,
            opens_at=closes - closes_in - opened,
            closes_at=closes,
        )
    ).returning(Call.id)
    return rows[0]["id"]


def cards(html: str) -> list[dict[str, str]]:
    section = parse(html).select_one("section.open-calls")
    return [
        {
            "title": card.select_one("h3").get_text(strip=True),
            "municipality": card.select_one("p.muted").get_text(strip=True),
            "text": card.get_text(" ", strip=True),
        }
        for card in section.select("li.card")
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("remaining", "english", "latvian"),
    [
        (3 * DAY, "3 days left", "vēl 3 dienas"),
        (3 * DAY - timedelta(seconds=1), "2 days left", "vēl 2 dienas"),
        (DAY, "1 day left", "vēl 1 diena"),
        (21 * DAY + timedelta(hours=5), "21 days left", "vēl 21 diena"),
        (DAY - timedelta(seconds=1), "23 hours left", "vēl 23 stundas"),
        (timedelta(hours=5, minutes=59), "5 hours left", "vēl 5 stundas"),
        (timedelta(hours=1), "1 hour left", "vēl 1 stunda"),
        (timedelta(minutes=59, seconds=59), "59 minutes left", "vēl 59 minūtes"),
        (timedelta(seconds=20), "1 minute left", "vēl 1 minūte"),
    ],
)
def test_time_left_counts_down_in_whole_units(remaining, english, latvian):
    try:
        set_language("en")
        assert time_left(remaining) == english
        set_language("lv")
        assert time_left(remaining) == latvian
    finally:
        set_language("lv")


@pytest.mark.integration
async def test_home_lists_open_calls_first_soonest_deadline_on_top(make_client):
    later = await insert_call("Cēsu jauniešu idejas", "LV-022", 20 * DAY + timedelta(hours=1))
    sooner = await insert_call(
        "Bauskas jauniešu iniciatīvas", "LV-016", 3 * DAY + timedelta(hours=2), fixed=True
    )
    hours = await insert_call("Ogres pēdējā iespēja", "LV-067", timedelta(hours=5, minutes=30))
    draft = await insert_call("Melnraksta konkurss", "LV-016", 5 * DAY, status="draft")
    upcoming = await insert_call(
        "Nākamais konkurss", "LV-016", 40 * DAY, opened=-(DAY * 30)
    )  # opens in 10 days
    closed = await insert_call("Slēgtais konkurss", "LV-016", -DAY)
    english = await make_client().get("/")
    assert english.status_code == 200
    found = [
        c
        for c in cards(english.text)
        if c["title"]
        in {
            "Cēsu jauniešu idejas",
            "Bauskas jauniešu iniciatīvas",
            "Ogres pēdējā iespēja",
            "Melnraksta konkurss",
            "Nākamais konkurss",
            "Slēgtais konkurss",
        }
    ]
    assert [(c["title"], c["municipality"]) for c in found] == [
        ("Ogres pēdējā iespēja", "Ogres novads"),
        ("Bauskas jauniešu iniciatīvas", "Bauskas novads"),
        ("Cēsu jauniešu idejas", "Cēsu novads"),
    ]
    assert "(5 hours left)" in found[0]["text"]
    assert "Grant: €4,600.00" in found[1]["text"] and "(3 days left)" in found[1]["text"]
    assert "Up to €4,600.00 per project" in found[2]["text"] and "(20 days left)" in found[2]["text"]
    # The open calls come before everything else the page shows.
    page = parse(english.text)
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    assert headings[0] == "Open for applications"
    assert {draft, upcoming, closed}.isdisjoint(
        {int(a["href"].rsplit("/", 1)[1]) for a in page.select("section.open-calls li.card h3 a")}
    )
    listed = [int(a["href"].rsplit("/", 1)[1]) for a in page.select("section.open-calls li.card h3 a")]
    assert [i for i in listed if i in {later, sooner, hours}] == [hours, sooner, later]


@pytest.mark.integration
async def test_home_in_latvian_shows_amount_deadline_and_time_left(make_client):
    closes_in = 4 * DAY + timedelta(hours=3)
    call_id = await insert_call("Valmieras jauniešu balss", "LV-113", closes_in, fixed=True)
    closes_at = (await Call.select(Call.closes_at).where(Call.id == call_id).first())["closes_at"]
    html = (await make_client(language=None).get("/")).text
    card = next(c for c in cards(html) if c["title"] == "Valmieras jauniešu balss")
    assert card["municipality"] == "Valmieras novads"
    assert display_cents(460_000, "lv") == "4\xa0600,00\xa0€"
    assert f"Finansējums: {display_cents(460_000, 'lv')}" in card["text"]
    deadline = format_riga(from_db(closes_at), "lv")
    assert f"Termiņš: {deadline} (vēl 4 dienas)" in card["text"]
    assert " gada " in deadline  # the month in Latvian words, Riga time


@pytest.mark.integration
async def test_home_without_open_calls_says_so_and_links_the_calls(make_client):
    opened = await Call.select(Call.id).where(
        (Call.status == "published") & (Call.opens_at <= now()) & (Call.closes_at > now())
    )
    ids = [r["id"] for r in opened]
    if ids:
        await Call.update({Call.status: "closed"}).where(Call.id.is_in(ids))
    try:
        html = (await make_client(language=None).get("/")).text
    finally:
        if ids:
            await Call.update({Call.status: "published"}).where(Call.id.is_in(ids))
    section = parse(html).select_one("section.open-calls")
    assert section.select("li.card") == []
    assert text_of(html, "section.open-calls p.no-open-calls") == (
        "Šobrīd neviens konkurss nav atvērts pieteikumiem. Skatīt gaidāmos un iepriekšējos konkursus"
    )
    assert section.select_one("p.no-open-calls a")["href"] == "/calls"


@pytest.mark.integration
@pytest.mark.parametrize(
    ("language", "cap"), [(None, "līdz 4\u00a0600,00\u00a0€ jauniešu"), ("en", "up to €4,600.00 for youth")]
)
async def test_the_home_lead_writes_the_grant_cap_as_money(make_client, language, cap):
    page = await make_client(language=language).get("/")
    lead = text_of(page.text, "p.lead")
    assert cap in lead
    assert "EUR" not in lead
