"""Demo data for `make run`: users of every role, an NGO, a published call, and the schools of DESIGN.md.

Idempotent: running it again resets the demo passwords and changes nothing else.
School registration numbers here are made up for the demo (10 digits, as in
the IKVD register), not the register's real numbers.
"""

from __future__ import annotations

from datetime import date, timedelta

from grants.accounts.service import confirmation, registration, users
from grants.accounts.tables import Organisation
from grants.core.auth import Role
from grants.core.time import now
from grants.registry.tables import Municipality, School

DEMO_SCHOOLS = [
    # (demo registration number, name, municipality code, kind, in PuMPuRS since)
    ("4312900101", "Misas pamatskola", "LV-016", "general", date(2017, 9, 1)),
    ("4312900102", "Stelpes pamatskola", "LV-016", "general", date(2017, 9, 1)),
    ("4313900103", "Skaistkalnes vidusskola", "LV-016", "general", date(2018, 1, 1)),
    ("4313900201", "Ozolnieku vidusskola", "LV-041", "general", date(2017, 9, 1)),
    ("4312900202", "Garozas pamatskola", "LV-041", "general", date(2018, 9, 1)),
    ("4312900203", "Salgales pamatskola", "LV-041", "general", date(2018, 9, 1)),
    ("4313900301", "Viesītes vidusskola", "LV-042", "general", date(2017, 9, 1)),
    ("4312900401", "Bebru pamatskola", "LV-002", "general", date(2018, 1, 1)),
    ("4312900402", "Kokneses pamatskola-attīstības centrs", "LV-002", "general", date(2018, 1, 1)),
    ("4313900403", "I. Gaiša Kokneses vidusskola", "LV-002", "general", date(2017, 9, 1)),
    ("4311900404", "Pērses sākumskola", "LV-002", "general", date(2019, 9, 1)),
]

DEMO_USERS = [
    # (role label, e-mail, password, role, municipality, name)
    ("staff", "staff@demo.grants.lv", "demo-staff-2026", Role.staff, None, "Ilze Programma"),
    # Municipal programme staff: each runs the calls of one municipality only.
    (
        "staff/LV-016",
        "staff-bauska@demo.grants.lv",
        "demo-staff-2026",
        Role.staff,
        "LV-016",
        "Dace Bauskniece",
    ),
    (
        "staff/LV-041",
        "staff-jelgava@demo.grants.lv",
        "demo-staff-2026",
        Role.staff,
        "LV-041",
        "Māris Jelgavnieks",
    ),
    ("reviewer", "reviewer1@demo.grants.lv", "demo-review-2026", Role.reviewer, None, "Jānis Vērtētājs"),
    ("reviewer", "reviewer2@demo.grants.lv", "demo-review-2026", Role.reviewer, None, "Līga Vērtētāja"),
    (
        "coordinator",
        "bauska@demo.grants.lv",
        "demo-coord-2026",
        Role.coordinator,
        "LV-016",
        "Anita Koordinatore",
    ),
]

DEMO_APPLICANT = ("applicant", "ngo@demo.grants.lv", "demo-ngo-2026")
DEMO_ORGANISATION = {
    "name": "Biedrība “Jauniešu iniciatīvu centrs”",
    "registration_number": "40008000001",
    "legal_form": "association",
    "municipality_code": "LV-016",
    "address": "Uzvaras iela 1, Bauska",
    "phone": "+371 20000000",
}


DEMO_CALL_TITLE = "Jauniešu iniciatīvu projektu konkurss Bauskas novadā"
DEMO_CALL_JELGAVA = "Jauniešu iniciatīvu projektu konkurss Jelgavas novadā"
DEMO_CALLS = [
    # (title, municipality, the e-mail of the municipal staff member who runs it)
    (DEMO_CALL_TITLE, "LV-016", "staff-bauska@demo.grants.lv"),
    (DEMO_CALL_JELGAVA, "LV-041", "staff-jelgava@demo.grants.lv"),
]
DEMO_CALL_DESCRIPTION = """Konkursā var pieteikties biedrības, nodibinājumi un jaunatnes organizācijas,
kas īsteno jauniešu iniciatīvu projektus ar izglītojamajiem, kuriem ir risks priekšlaicīgi pārtraukt mācības.

* Finansējums vienam projektam: **4 600,00 €**.
* Projekta ilgums: 3–18 mēneši.
* Pasākumiem jānotiek novada izglītības iestādēs.
"""
DEMO_CRITERIA = [
    {
        "code": "A1",
        "title": "Iesniedzējs ir biedrība, nodibinājums vai jaunatnes organizācija",
        "kind": "eligibility",
    },
    {"code": "A2", "title": "Projekta mērķa grupa ir 1.–12. klašu izglītojamie", "kind": "eligibility"},
    {
        "code": "K1",
        "title": "Projekta atbilstība programmas mērķim",
        "kind": "quality",
        "max_points": 10,
        "weight": "2",
        "min_points": 3,
    },
    {"code": "K2", "title": "Aktivitāšu kvalitāte un pēctecība", "kind": "quality", "max_points": 10},
    {"code": "K3", "title": "Budžeta pamatotība", "kind": "quality", "max_points": 10, "min_points": 3},
    {"code": "K4", "title": "Sadarbība ar skolām un partneriem", "kind": "quality", "max_points": 10},
]


async def _demo_call(title: str, municipality_code: str, staff_email: str) -> None:
    """A published call of one municipality, made and published by its municipal staff member,
    open for a month from the first demo load."""
    from grants.accounts.queries import load_principal, user_id_by_email
    from grants.calls import service as calls
    from grants.calls.tables import Call

    if await Call.exists().where(Call.title == title):
        return
    user_id = await user_id_by_email(staff_email)
    staff = await load_principal(user_id) if user_id is not None else None
    moment = now()
    call_id = await calls.create_call(
        {
            "title": title,
            "description": DEMO_CALL_DESCRIPTION,
            "municipality_code": municipality_code,
            "budget": "46000.00",
            "max_amount": "4600.00",
            "fixed_amount": True,
            "quota": 10,
            "opens_at": moment - timedelta(days=1),
            "closes_at": moment + timedelta(days=30),
            "score_threshold": "30",
            "criteria": DEMO_CRITERIA,
        },
        actor=staff,
    )
    await calls.publish(call_id, actor=staff)


async def load_demo() -> list[tuple[str, str, str]]:
    municipalities = {
        row["code"]: row["id"] for row in await Municipality.select(Municipality.id, Municipality.code)
    }
    if not municipalities:
        raise SystemExit("Run `grants migrate` first: the municipality registry is empty.")
    for number, name, code, kind, since in DEMO_SCHOOLS:
        if not await School.exists().where(School.registration_number == number):
            await School.insert(
                School(
                    registration_number=number,
                    name=name,
                    municipality=municipalities[code],
                    kind=kind,
                    pumpurs_since=since,
                )
            )
    logins: list[tuple[str, str, str]] = []
    for label, email, password, role, municipality, name in DEMO_USERS:
        await users.ensure_user(email, password, role, municipality, name)
        logins.append((label, email, password))
    label, email, password = DEMO_APPLICANT
    if await Organisation.exists().where(
        Organisation.registration_number == DEMO_ORGANISATION["registration_number"]
    ):
        await users.ensure_user(email, password, Role.applicant)
    else:
        made = await registration.register(email, password, "Kārlis Jaunietis", DEMO_ORGANISATION, "demo")
        if made.user_id is not None:  # the demo's address needs no link to be confirmed
            await confirmation.mark_confirmed(made.user_id)
    logins.append((label, email, password))
    for title, code, staff_email in DEMO_CALLS:
        await _demo_call(title, code, staff_email)
    return logins
