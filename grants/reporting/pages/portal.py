"""The grantee's report pages (/my/awards …): server-rendered, no JavaScript needed.

Each action is a form that posts, goes through the reporting services and
redirects (POST-redirect-GET); a refused one renders the same page again with
what was typed, the message next to the field and 422 (409, 413 or 415).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.applications import forms as application_forms
from grants.awards import queries as award_queries
from grants.awards import states as award_labels
from grants.calls.tables import Call
from grants.core.auth import Principal, Role, current, roles
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.money import parse_cents
from grants.core.params import PathId
from grants.core.storage import StorageError
from grants.core.uploads import form_file, upload_limit, upload_refusal
from grants.registry.service import list_schools
from grants.reporting import forms
from grants.reporting.deadlines import final_report_due
from grants.reporting.service import events as service
from grants.reporting.service import final, photos
from grants.reporting.tables import GRADE_BANDS, EventStatus, ReviewStatus

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


def _grantee(request: AnyRequest) -> Principal:
    """The caller as a grantee only: here even a staff member sees just their organisation's awards."""
    principal = current(request)
    assert principal is not None  # the guard ran first
    return dataclasses.replace(principal, roles=frozenset({Role.applicant}))


def labels() -> dict[str, Any]:
    return {
        "kinds": dict(application_forms.event_kinds()),
        "event_statuses": forms.event_statuses(),
        "reviews": forms.reviews(),
        "award_statuses": award_labels.award_statuses(),
        "payment_kinds": award_labels.payment_kinds(),
        "bands": forms.band_labels(),
        "band_order": GRADE_BANDS,
    }


async def awards_with_facts(awards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the pages show about awards besides their reports: agreement, payments, the final due day."""
    ids = [a["id"] for a in awards]
    agreements = await award_queries.agreements_of(ids)
    paid = await award_queries.payments_of(ids)
    return [
        award
        | {
            "agreement": agreements.get(award["id"]),
            "payments": [p | {"amount_cents": parse_cents(p["amount"])} for p in paid.get(award["id"], [])],
            "final_due": final_report_due(award["end_date"]),
            "reportable": award["status"] in service.REPORTABLE,
        }
        for award in awards
    ]


async def award_facts(award: dict[str, Any]) -> dict[str, Any]:
    return (await awards_with_facts([award]))[0]


async def _award_page(
    request: AnyRequest,
    award_id: int,
    *,
    final_values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
    done: str | None = None,
) -> Template:
    principal = _grantee(request)
    award = await award_facts(await award_queries.reportable_award(award_id, principal))
    report = await final.find_report(award_id, principal)
    context = {
        "award": award,
        "planned": await service.unreported_planned(award),
        "events": await service.list_events(award_id, principal),
        "report": report,
        "final_values": final_values if final_values is not None else forms.final_form(report),
        "can_submit_final": award["reportable"]
        and (report is None or report["review"] == ReviewStatus.returned),
        "can_attach": report is not None and report["review"] != ReviewStatus.accepted,
        "errors": errors or {},
        "message": message,
        "notice": _notices().get(done or ""),
        **labels(),
    }
    return Template("reporting/award.html", context=context, status_code=status)


def _notices() -> dict[str, str]:
    return {
        "reported": _("The event is saved."),
        "cancelled": _("The event is marked cancelled."),
        "final": _("The final report is submitted. The programme staff will review it."),
        "attached": _("The file is attached to the final report."),
        "photo": _("The photo is added."),
        "removed": _("The photo is removed."),
    }


async def _event_form_page(
    request: AnyRequest,
    award: dict[str, Any],
    form: dict[str, str] | None,
    *,
    event: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
    done: str | None = None,
) -> Template:
    """A new event's form, or a reported event: its form while it may change, else how it was reported."""
    editable = award["reportable"] and (event is None or event["editable"])
    context: dict[str, Any] = {
        "award": award,
        "event": event,
        "editable": editable,
        "errors": errors or {},
        "message": message,
        "notice": _notices().get(done or ""),
        "form": None,
        **labels(),
    }
    if editable or form is not None:
        call = (
            await Call.select(Call.municipality.code.as_alias("code")).where(Call.id == award["call"]).first()
        )
        local = await list_schools(call["code"]) if call else []
        context |= {
            "form": form if form is not None else forms.event_form(event),
            "school_groups": application_forms.school_groups(local, await list_schools()),
            "kind_options": application_forms.event_kinds(),
            "band_inputs": forms.BAND_INPUTS,
        }
    return Template("reporting/event.html", context=context, status_code=status)


async def _event_page(
    request: AnyRequest,
    event_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
    done: str | None = None,
) -> Template:
    principal = _grantee(request)
    event = await service.get_event(event_id, principal)
    award = await award_facts(await award_queries.reportable_award(event["award"], principal))
    return await _event_form_page(
        request, award, form, event=event, errors=errors, message=message, status=status, done=done
    )


def _cancel_page(
    award: dict[str, Any], title: str, action: str, reason: str, errors: dict[str, str], status: int
) -> Template:
    context = {"award": award, "title": title, "action": action, "reason": reason, "errors": errors}
    return Template("reporting/cancel.html", context=context, status_code=status)


class ReportPages(Controller):
    path = "/my"
    guards = [roles(Role.applicant)]
    include_in_schema = False

    @get("/awards", name="my_awards")
    async def awards(self, request: AnyRequest) -> Template:
        principal = _grantee(request)
        rows = await awards_with_facts(await award_queries.reportable_awards(principal))
        return Template("reporting/awards.html", context={"awards": rows, **labels()})

    @get("/awards/{award_id:int}")
    async def award(
        self, request: AnyRequest, award_id: PathId, done: FromQuery[str | None] = None
    ) -> Template:
        return await _award_page(request, award_id, done=done)

    @get("/awards/{award_id:int}/events/new")
    async def new_event(
        self,
        request: AnyRequest,
        award_id: PathId,
        planned: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
    ) -> Template:
        award = await award_facts(await award_queries.reportable_award(award_id, _grantee(request)))
        planned_row = None
        if planned is not None:
            planned_row = next(
                (p for p in await service.unreported_planned(award) if p["id"] == planned), None
            )
            if planned_row is None:
                raise NotFound
        if not award["reportable"]:
            message = _("Events are reported only after the agreement is signed and before the final report.")
            return await _event_form_page(request, award, None, message=message, status=409)
        form = forms.event_form(planned=planned_row)
        if status == EventStatus.planned and planned_row is None:
            form["status"] = EventStatus.planned.value
        return await _event_form_page(request, award, form)

    @post("/awards/{award_id:int}/events", status_code=HTTP_200_OK)
    async def create_event(self, request: AnyRequest, award_id: PathId, data: Form) -> Response[Any]:
        principal = _grantee(request)
        award = await award_facts(await award_queries.reportable_award(award_id, principal))
        typed, payload = forms.read_event(data)
        try:
            created = await service.create_event(award_id, principal, payload)
        except ValidationFailed as exc:
            return await _event_form_page(request, award, typed, errors=exc.errors, status=422)
        except Conflict as exc:
            return await _event_form_page(request, award, typed, message=exc.message, status=409)
        return Redirect(f"/my/events/{created['id']}?done=reported")

    @get("/events/{event_id:int}")
    async def event(
        self, request: AnyRequest, event_id: PathId, done: FromQuery[str | None] = None
    ) -> Template:
        return await _event_page(request, event_id, done=done)

    @post("/events/{event_id:int}", status_code=HTTP_200_OK)
    async def update_event(self, request: AnyRequest, event_id: PathId, data: Form) -> Response[Any]:
        typed, payload = forms.read_event(data)
        payload.pop("planned_event_id", None)
        try:
            await service.update_event(event_id, _grantee(request), payload)
        except ValidationFailed as exc:
            return await _event_page(request, event_id, form=typed, errors=exc.errors, status=422)
        except Conflict as exc:
            return await _event_page(request, event_id, form=typed, message=exc.message, status=409)
        return Redirect(f"/my/events/{event_id}?done=reported")

    @post("/events/{event_id:int}/photos", status_code=HTTP_200_OK, request_max_body_size=upload_limit())
    async def add_photo(self, request: AnyRequest, event_id: PathId) -> Response[Any]:
        upload = await form_file(request)
        if upload is None:
            return await _event_page(
                request, event_id, errors={"file": _("Choose a photo to upload.")}, status=422
            )
        try:
            await photos.add_photo(event_id, _grantee(request), *upload)
        except (StorageError, ValidationFailed, Conflict) as exc:
            text, code = upload_refusal(exc)
            return await _event_page(request, event_id, errors={"file": text}, status=code)
        return Redirect(f"/my/events/{event_id}?done=photo")

    @post("/event-photos/{photo_id:int}/remove", status_code=HTTP_200_OK)
    async def remove_photo(self, request: AnyRequest, photo_id: PathId) -> Response[Any]:
        event_id = (await photos.find_photo(photo_id, _grantee(request)))["event"]
        try:
            await photos.remove_photo(photo_id, _grantee(request))
        except Conflict as exc:
            return await _event_page(request, event_id, message=exc.message, status=409)
        return Redirect(f"/my/events/{event_id}?done=removed")

    # --- cancelling, with a confirmation ---------------------------------------------------------

    @get("/awards/{award_id:int}/planned/{planned_id:int}/cancel")
    async def cancel_planned_form(
        self, request: AnyRequest, award_id: PathId, planned_id: PathId
    ) -> Template:
        award, planned = await self._planned(request, award_id, planned_id)
        action = f"/my/awards/{award_id}/planned/{planned_id}/cancel"
        return _cancel_page(award, planned["title"], action, "", {}, HTTP_200_OK)

    @post("/awards/{award_id:int}/planned/{planned_id:int}/cancel", status_code=HTTP_200_OK)
    async def cancel_planned(
        self, request: AnyRequest, award_id: PathId, planned_id: PathId, data: Form
    ) -> Response[Any]:
        award, planned = await self._planned(request, award_id, planned_id)
        reason = data.get("cancel_reason", "")
        payload = {
            "planned_event_id": planned_id,
            "status": EventStatus.cancelled.value,
            "cancel_reason": reason,
        }
        action = f"/my/awards/{award_id}/planned/{planned_id}/cancel"
        try:
            await service.create_event(award_id, _grantee(request), payload)
        except ValidationFailed as exc:
            return _cancel_page(award, planned["title"], action, reason, exc.errors, 422)
        except Conflict as exc:
            return _cancel_page(award, planned["title"], action, reason, {"cancel_reason": exc.message}, 409)
        return Redirect(f"/my/awards/{award_id}?done=cancelled")

    async def _planned(
        self, request: AnyRequest, award_id: int, planned_id: int
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        award = await award_queries.reportable_award(award_id, _grantee(request))
        planned = next((p for p in await service.unreported_planned(award) if p["id"] == planned_id), None)
        if planned is None:
            raise NotFound
        return award, planned

    @get("/events/{event_id:int}/cancel")
    async def cancel_event_form(self, request: AnyRequest, event_id: PathId) -> Template:
        event = await service.get_event(event_id, _grantee(request))
        award = await award_queries.reportable_award(event["award"], _grantee(request))
        return _cancel_page(award, event["title"], f"/my/events/{event_id}/cancel", "", {}, HTTP_200_OK)

    @post("/events/{event_id:int}/cancel", status_code=HTTP_200_OK)
    async def cancel_event(self, request: AnyRequest, event_id: PathId, data: Form) -> Response[Any]:
        event = await service.get_event(event_id, _grantee(request))
        award = await award_queries.reportable_award(event["award"], _grantee(request))
        reason = data.get("cancel_reason", "")
        action = f"/my/events/{event_id}/cancel"
        try:
            await service.update_event(
                event_id, _grantee(request), {"status": EventStatus.cancelled.value, "cancel_reason": reason}
            )
        except ValidationFailed as exc:
            return _cancel_page(award, event["title"], action, reason, exc.errors, 422)
        except Conflict as exc:
            return _cancel_page(award, event["title"], action, reason, {"cancel_reason": exc.message}, 409)
        return Redirect(f"/my/awards/{event['award']}?done=cancelled")

    # --- the final report ------------------------------------------------------------------------

    @post("/awards/{award_id:int}/final-report", status_code=HTTP_200_OK)
    async def submit_final(self, request: AnyRequest, award_id: PathId, data: Form) -> Response[Any]:
        values = forms.read_final(data)
        try:
            await final.submit(award_id, _grantee(request), values)
        except ValidationFailed as exc:
            return await _award_page(request, award_id, final_values=values, errors=exc.errors, status=422)
        except Conflict as exc:
            return await _award_page(request, award_id, final_values=values, message=exc.message, status=409)
        return Redirect(f"/my/awards/{award_id}?done=final#final-report")

    @post(
        "/awards/{award_id:int}/final-report/attachments",
        status_code=HTTP_200_OK,
        request_max_body_size=upload_limit(),
    )
    async def attach_final(self, request: AnyRequest, award_id: PathId) -> Response[Any]:
        upload = await form_file(request)
        if upload is None:
            return await _award_page(
                request, award_id, errors={"file": _("Choose a file to upload.")}, status=422
            )
        try:
            await final.add_attachment(award_id, _grantee(request), *upload)
        except (StorageError, ValidationFailed, Conflict) as exc:
            text, code = upload_refusal(exc)
            return await _award_page(request, award_id, errors={"file": text}, status=code)
        return Redirect(f"/my/awards/{award_id}?done=attached#final-report")
