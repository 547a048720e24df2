"""Fixtures of the reporting tests: Jēkabpils novads seeded once for the dashboard tests, which only read it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import reporting_rows as data


@pytest.fixture(scope="session")
async def jekabpils(database) -> dict:
    """Jēkabpils novads (LV-042) with Viesītes novads (LV-107) merged into it, and a neighbour;
    seeded once for the dashboard tests (page and API), which only read it."""
    a = await data.school("LV-042", "Jēkabpils Valsts ģimnāzija")
    b = await data.school("LV-042", "Aknīstes vidusskola")
    v = await data.school("LV-107", "Viesītes vidusskola")
    x = await data.school("LV-091", "Siguldas pamatskola")
    call_here = await data.call("LV-042", title="Jēkabpils jauniešu iniciatīvas 2026")
    call_former = await data.call("LV-107", status="archived", title="Viesītes konkurss 2020")
    call_away = await data.call("LV-091", title="Siguldas konkurss")
    p1 = await data.project(call_here, amount_cents=460_000, planned=[a, b], title="Piedzīvojumu nometne")
    p2 = await data.project(call_here, amount_cents=300_050, planned=[v], title="Mentoru programma")
    p3 = await data.project(
        call_former, amount_cents=400_000, planned=[x], status="closed", title="Agrais projekts"
    )
    p4 = await data.project(call_away, amount_cents=250_000, planned=[x], title="Ceļojošā darbnīca")
    p5 = await data.project(call_away, amount_cents=460_000, planned=[x], title="Tikai Siguldā")
    declined = await data.project(
        call_here, amount_cents=460_000, planned=[a], status="declined", title="Atteiktais projekts"
    )
    payments = [  # (project, cents, paid on)
        (p1, 414_000, date(2026, 4, 2)),
        (p1, 46_000, None),
        (p2, 270_045, date(2026, 4, 10)),
        (p3, 400_000, date(2020, 6, 1)),
        (p5, 414_000, date(2026, 4, 3)),
    ]
    for project, cents, paid_on in payments:
        await data.payment(project.award, cents, paid_on=paid_on, kind="advance" if paid_on else "final")
    counted = [  # (project, school, bands, held on)
        (p1, a, (3, 12, 0, 0), date(2026, 5, 14)),
        (p1, a, (0, 8, 9, 0), date(2026, 6, 2)),
        (p2, v, (0, 0, 7, 5), date(2026, 6, 20)),
        (p4, a, (1, 1, 1, 1), date(2026, 5, 30)),
    ]
    ids = []
    for project, school, bands, held in counted:
        ids.append(await data.event(project.award, school, bands, held_on=held))
    # Data the dashboard must leave out: another municipality's school, a cancelled, a returned,
    # one waiting for review and a merely planned event in its schools.
    await data.event(p5.award, x, (0, 30, 0, 0), held_on=date(2026, 5, 1))
    await data.event(p1.award, b, status="cancelled", held_on=date(2026, 5, 20))
    await data.event(p1.award, b, (0, 40, 0, 0), review="returned", held_on=date(2026, 5, 21))
    await data.event(p1.award, b, (0, 60, 0, 0), review="pending", held_on=date(2026, 5, 22))
    await data.event(p1.award, b, status="planned", held_on=date(2026, 9, 1))
    return {
        "schools": {"a": a, "b": b, "v": v, "x": x},
        "calls": {"here": call_here, "former": call_former},
        "projects": [p1, p2, p3, p4],  # p5 and the declined one are someone else's or nobody's
        "left_out": [p5, declined],
        "payments": payments,
        "events": [(*e, i) for e, i in zip(counted, ids, strict=True)],
    }
