"""The municipality dashboard: the page and its CSV export.

Coordinators of the municipality (or of the one a former municipality merged into) and staff
only: the guard lets in those two roles, `dashboard.visible_places` then checks the municipality.
Anyone else signed in gets 403; an anonymous visitor is sent to log in.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Stream, Template

from grants.core.auth import Me, Role, roles
from grants.core.i18n import _, get_language
from grants.core.money import display_cents
from grants.reporting.exports.events import csv_stream, event_csv
from grants.reporting.pages.municipality_charts import Series, bar_chart
from grants.reporting.queries import dashboard
from grants.reporting.states import award_statuses, band_labels, month_label
from grants.reporting.tables import GRADE_BANDS


def charts(data: dict[str, Any]) -> dict[str, Any]:
    """The page's charts; each has a table saying the same on the page."""

    def money(cents: int) -> str:
        return display_cents(cents, get_language())

    bands = band_labels()
    by_band = data["totals"]["participants_by_grade"]
    return {
        "months": bar_chart(
            "chart-months",
            _("Events held per month"),
            [month_label(m["year"], m["month"]) for m in data["months"]],
            [Series(_("Events"), [m["events"] for m in data["months"]])],
        ),
        "bands": bar_chart(
            "chart-bands",
            _("Participants reached per grade band"),
            [bands[b] for b in GRADE_BANDS] if data["totals"]["events"] else [],
            [Series(_("Participants"), [by_band[b] for b in GRADE_BANDS])],
        ),
        "schools": bar_chart(
            "chart-schools",
            _("Participants reached per school"),
            [s["name"] for s in data["schools"]],
            [Series(_("Participants"), [s["participants"] for s in data["schools"]])],
        ),
        "money": bar_chart(
            "chart-money",
            _("Money awarded and paid per call"),
            [c["title"] for c in data["calls"]],
            [
                Series(_("Awarded"), [c["awarded_cents"] for c in data["calls"]]),
                Series(_("Paid"), [c["paid_cents"] for c in data["calls"]]),
            ],
            value_text=money,
        ),
    }


class MunicipalityPages(Controller):
    path = "/municipality"
    guards = [roles(Role.staff, Role.coordinator)]
    include_in_schema = False

    @get("/{code:str}", name="municipality_dashboard")
    async def page(self, me: Me, code: FromPath[str]) -> Template:
        where = await dashboard.visible_places(code, me)
        data = await dashboard.dashboard(code)
        successor = where.today(code)
        return Template(
            "reporting/municipality/dashboard.html",
            context={
                "municipality": {"code": code, "name": where.name(code)},
                "successor": {"code": successor, "name": where.name(successor)}
                if successor != code
                else None,
                "former": [{"code": c, "name": where.name(c)} for c in data["codes"] if c != code],
                "data": data,
                "charts": charts(data),
                "statuses": award_statuses(),
                "bands": band_labels(),
                "month_label": month_label,
            },
            headers={"Cache-Control": "private, no-store"},
        )

    @get("/{code:str}/export.csv", name="municipality_export")
    async def export(self, me: Me, code: FromPath[str]) -> Stream:
        """The events the dashboard counts, one row each."""
        where = await dashboard.visible_places(code, me)
        return csv_stream(event_csv(where.merged_into(code), counted_only=True), f"events-{code}.csv")
