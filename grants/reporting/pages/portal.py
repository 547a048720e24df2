"""The grantee's report pages (/my/awards …): server-rendered, no JavaScript needed.

Each action is a form that posts, goes through the reporting services and
redirects (POST-redirect-GET); a refused one renders the same page again with
what was typed, the message next to the field and 422 (409, 413 or 415).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.applications import forms as application_forms
from grants.awards import queries as award_queries
from grants.calls.tables import PaymentMethod
from grants.core.auth import Me, Principal, Role, provide_me_as_applicant, roles
from grants.core.errors import NotFound, ValidationFailed
from grants.core.forms import Refusal, refusal_of, submit_form
from grants.core.i18n import _
from grants.core.params import PathId
from grants.core.time import riga_today
from grants.core.uploads import form_file, page_upload_limit
from grants.registry.queries import list_schools
from grants.reporting import forms
from grants.reporting.queries.awards import award_facts, awards_with_facts, call_municipality
from grants.reporting.queries.events import find_photo, get_event, list_events, unreported_planned
from grants.reporting.queries.final import against_plan, find_report
from grants.reporting.rules import LARGE_EVENT, MAX_PARTICIPANTS, final_warnings
from grants.reporting.service import final, photos
from grants.reporting.tables import EventStatus, ReviewStatus

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def _award_page(
    me: Principal,
    award_id: int,
    *,
    final_values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
    done: str | None = None,
) -> Template:
    award = await award_facts(await award_queries.reportable_award(award_id, me))
    report = await find_report(award_id, me)
    plan = await against_plan(award)
    context = {
        "award": award,
        "planned": await unreported_planned(award),
        "events": await list_events(award_id, me),
        "report": report,
        "final_values": final_values if final_values is not None else forms.final_form(report),
        "can_submit_final": award["reportable"]
        and (report is None or report["draft"] or report["review"] == ReviewStatus.returned),
        "can_attach": report is not None and report["review"] != ReviewStatus.accepted,
        "plan": plan,
        "warnings": final_warnings(plan["unreported_titles"], award["end_date"], riga_today()),
        "costs_call": award["payment_method"] == PaymentMethod.costs,
        "errors": errors or {},
        "message": message,
        "notice": _notices().get(done or ""),
        **forms.labels(),
    }
    return Template("reporting/portal/award.html", context=context, status_code=status)


def _notices(event: dict[str, Any] | None = None) -> dict[str, str]:
    """What a page says after a step that worked (?done=…); a saved event says whether it went to
    the programme staff, by its status: a plan waits for the grantee, a held or cancelled one for review."""
    planned = event is not None and event["status"] == EventStatus.planned
    return {
        "reported": _(
            "The planned event is saved. It is not reported yet: once it is held, open it here and report it as held."
        )
        if planned
        else _(
            "The event report is submitted: the programme staff will check it. You can correct it until they accept it."
        ),
        "cancelled": _(
            "The event is marked cancelled and sent to the programme staff, who will check the reason."
        ),
        "final": _(
            "The final report is submitted: the programme staff will review it, and the grant is settled once they approve it."
        ),
        "draft": _(
            "The final report is saved as a draft: it is not submitted yet. Attach its files, then submit it."
        ),
        "attached": _("The file is attached to the final report."),
        "photo": _("The photo is added."),
        "removed": _("The photo is removed."),
        "declined": _(
            "The award is declined. The programme staff are told; the money goes to the next project on the reserve list."
        ),
    }


async def _event_form_page(
    award: dict[str, Any],
    form: dict[str, str] | None,
    *,
    event: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
    done: str | None = None,
    photo_consent: bool = False,
) -> Template:
    """A new event's form, or a reported event: its form while it may change, else how it was reported."""
    editable = award["reportable"] and (event is None or event["editable"])
    context: dict[str, Any] = {
        "award": award,
        "event": event,
        "editable": editable,
        "photo_consent": photo_consent,  # a refused photo's answer to the consent question, kept
        "errors": errors or {},
        "message": message,
        "notice": _notices(event).get(done or ""),
        "form": None,
        **forms.labels(),
    }
    if editable or form is not None:
        code = await call_municipality(award["call"])
        local = await list_schools(code) if code else []
        context |= {
            "form": form if form is not None else forms.event_form(event),
            "school_groups": application_forms.school_groups(local, await list_schools()),
            "kind_options": application_forms.event_kinds(),
            "band_inputs": forms.BAND_INPUTS,
            "max_participants": MAX_PARTICIPANTS,
            "large_event": LARGE_EVENT,
        }
    return Template("reporting/portal/event.html", context=context, status_code=status)


async def _event_page(
    me: Principal,
    event_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
    done: str | None = None,
    photo_consent: bool = False,
) -> Template:
    event = await get_event(event_id, me)
    award = await award_facts(await award_queries.reportable_award(event["award"], me))
    return await _event_form_page(
        award,
        form,
        event=event,
        errors=errors,
        message=message,
        status=status,
        done=done,
        photo_consent=photo_consent,
    )


def _cancel_page(
    award: dict[str, Any], title: str, action: str, reason: str, refusal: Refusal | None = None
) -> Template:
    """The confirmation of a cancellation; a refusal's message stands next to the reason."""
    errors = {}
    if refusal is not None:
        errors = refusal.errors if refusal.status_code == 422 else {"cancel_reason": refusal.message or ""}
    context = {"award": award, "title": title, "action": action, "reason": reason, "errors": errors}
    return Template(
        "reporting/portal/cancel.html",
        context=context,
        status_code=refusal.status_code if refusal else HTTP_200_OK,
    )


async def _planned(me: Principal, award_id: int, planned_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    award = await award_queries.reportable_award(award_id, me)
    planned = next((p for p in await unreported_planned(award) if p["id"] == planned_id), None)
    if planned is None:
        raise NotFound
    return award, planned


class ReportPages(Controller):
    path = "/my"
    guards = [roles(Role.applicant)]
    dependencies = {"me": Provide(provide_me_as_applicant)}
    include_in_schema = False

    @get("/awards", name="my_awards")
    async def awards(self, me: Me) -> Template:
        rows = await awards_with_facts(await award_queries.reportable_awards(me))
        return Template("reporting/portal/awards.html", context={"awards": rows, **forms.labels()})

    @get("/awards/{award_id:int}")
    async def award(self, me: Me, award_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _award_page(me, award_id, done=done)

    @get("/awards/{award_id:int}/events/new")
    async def new_event(
        self,
        me: Me,
        award_id: PathId,
        planned: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
    ) -> Template:
        award = await award_facts(await award_queries.reportable_award(award_id, me))
        planned_row = None
        if planned is not None:
            planned_row = next((p for p in await unreported_planned(award) if p["id"] == planned), None)
            if planned_row is None:
                raise NotFound
        if not award["reportable"]:
            message = _("Events are reported only after the agreement is signed and before the final report.")
            return await _event_form_page(award, None, message=message, status=409)
        form = forms.event_form(planned=planned_row)
        if status == EventStatus.planned and planned_row is None:
            form["status"] = EventStatus.planned.value
        return await _event_form_page(award, form)

    @post("/awards/{award_id:int}/events", status_code=HTTP_200_OK)
    async def create_event(self, me: Me, award_id: PathId, data: Form) -> Response[Any]:
        award = await award_facts(await award_queries.reportable_award(award_id, me))
        typed, payload = forms.read_event(data)
        return await submit_form(
            forms.create_event(award_id, me, payload),
            done=lambda created: f"/my/events/{created['id']}?done=reported",
            again=lambda refusal: _event_form_page(
                award,
                typed,
                errors=refusal.errors if refusal.status_code == 422 else None,
                message=refusal.message if refusal.status_code == 409 else None,
                status=refusal.status_code,
            ),
        )

    @get("/events/{event_id:int}")
    async def event(self, me: Me, event_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _event_page(me, event_id, done=done)

    @post("/events/{event_id:int}", status_code=HTTP_200_OK)
    async def update_event(self, me: Me, event_id: PathId, data: Form) -> Response[Any]:
        typed, payload = forms.read_event(data)
        payload.pop("planned_event_id", None)
        return await submit_form(
            forms.update_event(event_id, me, payload),
            done=f"/my/events/{event_id}?done=reported",
            again=lambda refusal: _event_page(
                me,
                event_id,
                form=typed,
                errors=refusal.errors if refusal.status_code == 422 else None,
                message=refusal.message if refusal.status_code == 409 else None,
                status=refusal.status_code,
            ),
        )

    @post("/events/{event_id:int}/photos", status_code=HTTP_200_OK, request_max_body_size=page_upload_limit())
    async def add_photo(self, request: Request[Any, Any, Any], me: Me, event_id: PathId) -> Response[Any]:
        upload = await form_file(request)
        if upload is None:
            return await _event_page(
                me, event_id, errors={"file": _("Choose a photo to upload.")}, status=422
            )
        consent = bool(str((await request.form()).get("consent") or "").strip())
        return await submit_form(
            photos.add_photo(event_id, me, *upload, consent=consent),
            done=f"/my/events/{event_id}?done=photo",
            again=lambda refusal: _event_page(
                me,
                event_id,
                errors=refusal.on_field("file"),
                status=refusal.status_code,
                photo_consent=consent,
            ),
            file_field="file",
        )

    @post("/event-photos/{photo_id:int}/remove", status_code=HTTP_200_OK)
    async def remove_photo(self, me: Me, photo_id: PathId) -> Response[Any]:
        event_id = (await find_photo(photo_id, me))["event"]
        return await submit_form(
            photos.remove_photo(photo_id, me),
            done=f"/my/events/{event_id}?done=removed",
            again=lambda refusal: _event_page(
                me, event_id, message=refusal.message, status=refusal.status_code
            ),
        )

    # --- cancelling, with a confirmation ---------------------------------------------------------

    @get("/awards/{award_id:int}/planned/{planned_id:int}/cancel")
    async def cancel_planned_form(self, me: Me, award_id: PathId, planned_id: PathId) -> Template:
        award, planned = await _planned(me, award_id, planned_id)
        return _cancel_page(award, planned["title"], f"/my/awards/{award_id}/planned/{planned_id}/cancel", "")

    @post("/awards/{award_id:int}/planned/{planned_id:int}/cancel", status_code=HTTP_200_OK)
    async def cancel_planned(self, me: Me, award_id: PathId, planned_id: PathId, data: Form) -> Response[Any]:
        award, planned = await _planned(me, award_id, planned_id)
        reason = data.get("cancel_reason", "")
        payload = {
            "planned_event_id": planned_id,
            "status": EventStatus.cancelled.value,
            "cancel_reason": reason,
        }
        action = f"/my/awards/{award_id}/planned/{planned_id}/cancel"
        return await submit_form(
            forms.create_event(award_id, me, payload),
            done=f"/my/awards/{award_id}?done=cancelled",
            again=lambda refusal: _cancel_page(award, planned["title"], action, reason, refusal),
        )

    @get("/events/{event_id:int}/cancel")
    async def cancel_event_form(self, me: Me, event_id: PathId) -> Template:
        event = await get_event(event_id, me)
        award = await award_queries.reportable_award(event["award"], me)
        return _cancel_page(award, event["title"], f"/my/events/{event_id}/cancel", "")

    @post("/events/{event_id:int}/cancel", status_code=HTTP_200_OK)
    async def cancel_event(self, me: Me, event_id: PathId, data: Form) -> Response[Any]:
        event = await get_event(event_id, me)
        award = await award_queries.reportable_award(event["award"], me)
        reason = data.get("cancel_reason", "")
        return await submit_form(
            forms.update_event(
                event_id, me, {"status": EventStatus.cancelled.value, "cancel_reason": reason}
            ),
            done=f"/my/awards/{event['award']}?done=cancelled",
            again=lambda refusal: _cancel_page(
                award, event["title"], f"/my/events/{event_id}/cancel", reason, refusal
            ),
        )

    # --- the final report ------------------------------------------------------------------------

    @post("/awards/{award_id:int}/final-report", status_code=HTTP_200_OK)
    async def submit_final(self, me: Me, award_id: PathId, data: Form) -> Response[Any]:
        """Save the report as a draft (action=draft), or submit it: with a confirmation listing the
        warnings first (planned events unreported, the project not ended), unless confirmed."""
        award = await award_queries.reportable_award(award_id, me)
        values = forms.read_final(data, award)
        draft = data.get("action") == "draft"

        def again(refusal: Refusal) -> Any:
            return _award_page(
                me,
                award_id,
                final_values=values,
                errors=refusal.errors if refusal.status_code == 422 else None,
                message=refusal.message if refusal.status_code == 409 else None,
                status=refusal.status_code,
            )

        if not draft and data.get("confirmed") != "1":
            try:
                warnings = await forms.final_warnings(award, values)
            except ValidationFailed as exc:  # the form's own check, before any warning
                return await again(refusal_of(exc))
            if warnings:
                context = {"award": award, "values": values, "warnings": warnings}
                return Template("reporting/portal/final_confirm.html", context=context)
        return await submit_form(
            final.submit(award_id, me, values, draft=draft),
            done=f"/my/awards/{award_id}?done={'draft' if draft else 'final'}#final-report",
            again=again,
        )

    @post(
        "/awards/{award_id:int}/final-report/attachments",
        status_code=HTTP_200_OK,
        request_max_body_size=page_upload_limit(),
    )
    async def attach_final(self, request: Request[Any, Any, Any], me: Me, award_id: PathId) -> Response[Any]:
        upload = await form_file(request)
        if upload is None:
            return await _award_page(me, award_id, errors={"file": _("Choose a file to upload.")}, status=422)
        return await submit_form(
            final.add_attachment(award_id, me, *upload),
            done=f"/my/awards/{award_id}?done=attached#final-report",
            again=lambda refusal: _award_page(
                me, award_id, errors=refusal.on_field("file"), status=refusal.status_code
            ),
            file_field="file",
        )
