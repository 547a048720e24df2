"""The staff's view of one application (/admin/applications/{id}): everything about it in one
place, from every domain (admin.dossier reads it), with links to the pages where each step is done.
Read-only: every change happens on the step's own page."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from admin.dossier import dossier
from grants.applications import forms as application_forms
from grants.applications.states import statuses
from grants.applications.tables import ApplicationStatus
from grants.awards.states import award_statuses, payment_kinds
from grants.core.auth import Me, Role, roles
from grants.core.params import PathId
from grants.reporting.states import event_statuses, reviews

# The application may be asked (again) for a clarification in these; the clarification pages say more.
CLARIFIABLE = (ApplicationStatus.submitted.value, ApplicationStatus.clarification.value)


class StaffApplicationView(Controller):
    path = "/admin/applications"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/{application_id:int}", name="staff_application")
    async def application(self, me: Me, application_id: PathId) -> Template:
        context = await dossier(application_id, me)
        context |= {
            "statuses": statuses(),
            "award_statuses": award_statuses(),
            "payment_kinds": payment_kinds(),
            "event_statuses": event_statuses(),
            "report_reviews": reviews(),
            "kinds": dict(application_forms.event_kinds()),
            "categories": dict(application_forms.budget_categories()),
            "clarifiable": context["app"]["status"] in CLARIFIABLE,
        }
        return Template("admin/application.html", context=context)
