"""The staff and reviewer API of the review: eligibility, assignments, scoring, the ranking and its exports."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, Response, get, post, put
from litestar.params import JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from grants.core.auth import Me, Principal, Role, roles
from grants.core.errors import ValidationFailed
from grants.core.filetypes import content_disposition
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.openapi import errors, file_download
from grants.core.params import PathId
from grants.core.spreadsheet import CSV_TYPE, csv_lines
from grants.core.uploads import download_response
from grants.scoring import service
from grants.scoring.exports import XLSX_TYPE, filename, ranking_export, xlsx_bytes
from grants.scoring.queries import ranking
from grants.scoring.queries.reviews import my_assignments, organisation_name, review_view, reviewer_attachment
from grants.scoring.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentsCreatedOut,
    ConflictIn,
    EligibilityIn,
    RankingRow,
    ReviewIn,
    ReviewOut,
    StatusOut,
)

staff = roles(Role.staff)
reviewer = roles(Role.reviewer)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


async def ranking_rows(call_id: int) -> list[RankingRow]:
    per_criterion = await ranking.breakdown(call_id)
    return [
        RankingRow(
            application_id=r.application_id,
            reference=r.reference,
            score=_text(r.score),
            scores_count=r.scores_count,
            spread=_text(r.spread),
            passed=r.passed,
            rank=r.rank,
            status=r.status,
            requested_amount=format_cents(r.requested_cents),
            criteria={code: _text(v) for code, v in per_criterion.get(r.application_id, {}).items()},
        )
        for r in await ranking.ranking(call_id)
    ]


class ReviewStaffApi(Controller):
    path = "/api"
    tags = ["review"]
    guards = [staff]

    @post(
        "/applications/{application_id:int}/eligibility",
        status_code=HTTP_200_OK,
        summary="Record the eligibility check: eligible when every criterion is met",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def eligibility(self, me: Me, application_id: PathId, data: JSONBody[EligibilityIn]) -> StatusOut:
        return StatusOut(status=await service.check_eligibility(application_id, me, data.checks, data.note))

    @post(
        "/calls/{call_id:int}/assignments",
        status_code=HTTP_201_CREATED,
        summary="Assign a reviewer, or {auto: true} for a balanced assignment of the whole call",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def assign(self, me: Me, call_id: PathId, data: JSONBody[AssignmentIn]) -> AssignmentsCreatedOut:
        if data.auto:
            panel = data.reviewer_ids if isinstance(data.reviewer_ids, list) else None
            return AssignmentsCreatedOut(created=await service.auto_assign(call_id, me, panel))
        if not isinstance(data.application_id, int) or not isinstance(data.reviewer_id, int):
            raise ValidationFailed(
                {"application_id": _("Give application_id and reviewer_id, or auto: true.")}
            )
        created = await service.assign(call_id, data.application_id, data.reviewer_id, me)
        return AssignmentsCreatedOut(created=[created])

    @get(
        "/calls/{call_id:int}/ranking",
        summary="Applications by score, with the per-criterion breakdown",
        responses=errors(401, 403, 404),
    )
    async def ranking(self, call_id: PathId) -> list[RankingRow]:
        return await ranking_rows(call_id)


def _reviewer_application(application: dict[str, Any], organisation: str | None) -> dict[str, Any]:
    return {
        "id": application["id"],
        "reference": application["reference"],
        "organisation": organisation,
        "title": application["title"],
        "summary": application["summary"],
        "objectives": application["objectives"],
        "target_group": application["target_group"],
        "partners": application["partners"],
        "start_date": application["start_date"],
        "end_date": application["end_date"],
        "requested_amount": format_cents(application["requested_cents"]),
        "budget_lines": [
            {
                "category": b["category"],
                "description": b["description"],
                "quantity": b["quantity"],
                "unit_cost": format_cents(b["unit_cost_cents"]),
                "amount": format_cents(b["amount_cents"]),
            }
            for b in application["budget_lines"]
        ],
        "planned_events": [
            {
                "school": e["school"],
                "school_name": e["school_name"],
                "kind": e["kind"],
                "title": e["title"],
                "planned_date": e["planned_date"],
                "expected_participants": e["expected_participants"],
            }
            for e in application["planned_events"]
        ],
        "attachments": [
            {"id": a["id"], "filename": a["filename"], "size": a["size"]} for a in application["attachments"]
        ],
    }


async def review_out(assignment_id: int, principal: Principal) -> ReviewOut:
    view = await review_view(assignment_id, principal)
    row, application = view["assignment"], view["application"]
    organisation = await organisation_name(application["organisation"])
    return ReviewOut(
        id=row["id"],
        application_id=row["application"],
        call_id=row["call"],
        status=row["status"],
        conflict=row["conflict"],
        application=_reviewer_application(application, organisation),
        criteria=[
            {
                "code": c["code"],
                "title": c["title"],
                "description": c["description"],
                "max_points": c["max_points"],
                "weight": str(c["weight"]),
                "min_points": c["min_points"],
            }
            for c in view["criteria"]
        ],
        scores=view["scores"],
        comment=row["comment"],
        others=view["others"],
        submitted_at=row["submitted_at"],
    )


class ReviewerApi(Controller):
    path = "/api/reviews"
    tags = ["review"]
    guards = [reviewer]

    @get("/", summary="The caller's assignments", responses=errors(401, 403))
    async def list_reviews(self, me: Me) -> list[AssignmentOut]:
        return [
            AssignmentOut(id=r["id"], application_id=r["application"], call_id=r["call"], status=r["status"])
            for r in await my_assignments(me)
        ]

    @post(
        "/{assignment_id:int}/conflict",
        status_code=HTTP_200_OK,
        summary="Declare a conflict of interest (true releases the assignment) or none",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def conflict(self, me: Me, assignment_id: PathId, data: JSONBody[ConflictIn]) -> StatusOut:
        return StatusOut(status=await service.declare_conflict(assignment_id, me, data.conflict, data.reason))

    @get(
        "/{assignment_id:int}",
        summary="The application as the reviewer may see it, with the scores",
        responses=errors(401, 403, 404, 409),
    )
    async def review(self, me: Me, assignment_id: PathId) -> ReviewOut:
        return await review_out(assignment_id, me)

    @get(
        "/{assignment_id:int}/attachments/{attachment_id:int}",
        summary="Download a file of the application under review (after declaring no conflict)",
        response_class=None,
        responses=file_download(401, 403, 404),
    )
    async def attachment(self, me: Me, assignment_id: PathId, attachment_id: PathId) -> Response[Any]:
        row = await reviewer_attachment(assignment_id, attachment_id, me)
        return await download_response(row["storage_key"], row["filename"], row["content_type"])

    @put(
        "/{assignment_id:int}",
        summary="Save scores; submit: true locks them",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def score(self, me: Me, assignment_id: PathId, data: JSONBody[ReviewIn]) -> ReviewOut:
        await service.save_scores(assignment_id, me, data.scores, data.comments, data.comment, data.submit)
        return await review_out(assignment_id, me)


class ExportApi(Controller):
    path = "/api/calls"
    tags = ["review"]
    guards = [staff]

    @get(
        "/{call_id:int}/export.csv",
        summary="The applications of the call with scores and decisions, in ranking order (CSV)",
        responses=errors(401, 403, 404),
    )
    async def export_csv(self, call_id: PathId) -> Stream:
        call, head, records = await ranking_export(call_id)
        return Stream(
            csv_lines(head, records),
            media_type=CSV_TYPE,
            headers={
                "Content-Disposition": content_disposition(filename(call, "csv")),
                "Cache-Control": "private, no-store",
            },
        )

    @get(
        "/{call_id:int}/export.xlsx",
        summary="The applications of the call with scores and decisions, in ranking order (XLSX)",
        responses=errors(401, 403, 404),
    )
    async def export_xlsx(self, call_id: PathId) -> Response[bytes]:
        call, head, records = await ranking_export(call_id)
        content = await anyio.to_thread.run_sync(xlsx_bytes, _("Ranking"), head, records)
        return Response(
            content,
            media_type=XLSX_TYPE,
            headers={
                "Content-Disposition": content_disposition(filename(call, "xlsx")),
                "Cache-Control": "private, no-store",
            },
        )
