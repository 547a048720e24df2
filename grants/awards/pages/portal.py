"""The applicant's decision page (/my/applications/{id}/decision): why their application is
ineligible or rejected, rule by rule, and how to appeal (the call's appeal route), in the portal and
not only in the e-mail. The reasons are read by queries.decisions."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from litestar import Controller, get
from litestar.di import Provide
from litestar.response import Template

from grants.applications.states import statuses
from grants.awards.queries.decisions import decision_of
from grants.core.auth import Me, Role, provide_me_as_applicant, roles
from grants.core.i18n import _, get_language
from grants.core.params import PathId


def points(value: Decimal) -> str:
    """Points as people write them: 2, 27.5 (27,5 in Latvian), no trailing zeros."""
    return format_decimal(value, format="#,##0.##", locale=get_language())


def failing_rules(decision: dict) -> list[str]:
    """Each rule the rejected application failed, as the ranking applied it: "K2: 2 < 3 minimum",
    "total 27 < 30"."""
    rules = [
        _("%(code)s: %(mark)s < %(minimum)s minimum")
        % {"code": row["code"], "mark": points(row["mark"]), "minimum": points(row["minimum"])}
        for row in decision["below_minimum"]
    ]
    if decision["below_threshold"]:
        rules.append(
            _("total %(score)s < %(threshold)s")
            % {"score": points(decision["score"]), "threshold": points(decision["threshold"])}
        )
    return rules


class DecisionPages(Controller):
    path = "/my/applications"
    guards = [roles(Role.applicant)]
    dependencies = {"me": Provide(provide_me_as_applicant)}
    include_in_schema = False

    @get("/{application_id:int}/decision")
    async def decision(self, me: Me, application_id: PathId) -> Template:
        decision = await decision_of(application_id, me)
        context = {
            "decision": decision,
            "status_label": statuses().get(decision["status"], decision["status"]),
            "rules": failing_rules(decision) if decision["status"] == "rejected" else [],
            "titles": {row["code"]: row["title"] for row in decision.get("below_minimum", [])},
        }
        return Template("awards/portal/decision.html", context=context)


handlers = [DecisionPages]
