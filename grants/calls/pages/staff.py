"""The back office's call set-up (/admin/calls/new, /admin/calls/{id}/setup): a call's rules in euros
and Riga time, its criteria and documents one at a time. Every form posts, goes through calls.forms
and the calls service, and redirects back to the set-up page; a refused one draws the page again
with the messages next to the fields (422, or 409), nothing typed lost.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.calls import forms, queries, rules, service
from grants.calls.queries import visible_call
from grants.calls.states import call_statuses
from grants.calls.tables import CallStatus
from grants.core.auth import Me, Role, roles
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _
from grants.core.params import PathId
from grants.core.uploads import form_file, page_upload_limit
from grants.registry.queries import list_municipalities

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


def notices(status: str = CallStatus.draft) -> dict[str, str]:
    """What the set-up page says after a step that worked (?done=…); a save says whether
    applicants see it yet, by the call's `status`."""
    return {
        "created": _(
            "The draft call is created. Add its criteria and documents, then preview and publish it."
        ),
        "cloned": _("This draft is a copy of the earlier call, its dates moved a year on: check them."),
        "saved": _(
            "The changes are saved. The call is still a draft: applicants see it only once you publish it."
        )
        if status == CallStatus.draft
        else _("The changes are saved and shown on the call's public page."),
        "criterion_added": _("The criterion is added."),
        "criterion_changed": _("The criterion is changed."),
        "criterion_removed": _("The criterion is removed."),
        "document_added": _("The document is added."),
        "document_removed": _("The document is removed."),
        "published": _("The call is published: applicants can read it."),
        "extended": _("The deadline is extended; the organisations with drafts are told by e-mail."),
        "closed": _("The call is closed."),
    }


async def setup_page(
    call_id: int,
    me: Me,
    *,
    done: str | None = None,
    form: dict[str, str] | None = None,
    refusal: Refusal | None = None,
    criterion: tuple[int | None, dict[str, str]] | None = None,
    document_title: str = "",
) -> Template:
    """The set-up page; a refused form comes back in `form` (the rules), `criterion` (id or None for a
    new one, with what was typed) or `document_title` (the upload), with its `refusal`."""
    call = await visible_call(call_id, me)
    rows = await queries.criteria_of(call_id)
    criteria = [(row, forms.criterion_of(row), {}) for row in rows]
    new_criterion: dict[str, str] = {"kind": "quality", "weight": "1"}
    errors: dict[str, str] = {}
    new_errors: dict[str, str] = {}
    document_errors: dict[str, str] = {}
    if criterion is not None and refusal is not None:
        target, typed = criterion
        if target is None:
            new_criterion, new_errors = typed, refusal.errors
        else:
            criteria = [
                (row, typed, refusal.errors) if row["id"] == target else (row, values, errs)
                for row, values, errs in criteria
            ]
    elif refusal is not None and form is None:
        document_errors = refusal.errors
    elif refusal is not None:
        errors = refusal.errors
    context = {
        "call": call,
        "status_label": call_statuses().get(call["status"], call["status"]),
        "fields": forms.fields_for(call["status"], me),
        "draft": call["status"] == CallStatus.draft,
        "read_only": call["status"] in rules.READ_ONLY_STATUSES,
        "form": form or forms.rules_of(call),
        "errors": errors,
        "message": refusal.message if refusal else None,
        "criteria": criteria,
        "new_criterion": new_criterion,
        "new_errors": new_errors,
        "documents": await queries.list_documents(call_id),
        "document_title": document_title,
        "document_errors": document_errors,
        "applications": await queries.application_count(call_id),
        "municipalities": await municipality_choices(me),
        "notice": notices(call["status"]).get(done or ""),
    }
    return Template(
        "calls/staff/setup.html",
        context=context,
        status_code=refusal.status_code if refusal else HTTP_200_OK,
    )


async def _criterion_of_call(call_id: int, criterion_id: int) -> dict[str, Any]:
    row = next((c for c in await queries.criteria_of(call_id) if c["id"] == criterion_id), None)
    if row is None:
        raise NotFoundException(_("No such criterion."))
    return row


class CallSetupPages(Controller):
    path = "/admin/calls"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/new", name="staff_call_new")
    async def new_form(self, me: Me) -> Template:
        form = forms.blank_rules()
        if not me.national:  # a municipal staff member's call requires national approval
            form["requires_approval"] = "on"
        choices = await municipality_choices(me)
        if len(choices) == 1:  # a municipal staff member of one municipality: theirs, chosen already
            form["municipality_code"] = choices[0]["code"]
        return await _new_page(form, me)

    @post("/new", status_code=HTTP_200_OK)
    async def create(self, me: Me, data: Form) -> Response[Any]:
        form = forms.typed(data, forms.new_fields(me))
        if not me.national:
            form["requires_approval"] = "on"
        return await submit_form(
            forms.create(form, me),
            done=lambda call_id: f"/admin/calls/{call_id}/setup?done=created",
            again=lambda refusal: _new_page(form, me, refusal),
        )

    @get("/{call_id:int}/setup", name="staff_call_setup")
    async def setup(self, me: Me, call_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await setup_page(call_id, me, done=done)

    @post("/{call_id:int}/setup", status_code=HTTP_200_OK)
    async def save(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        call = await visible_call(call_id, me)
        form = forms.typed(data)
        shown = forms.rules_of(call) | forms.typed(data, forms.fields_for(call["status"], me))
        return await submit_form(
            forms.save(call_id, call["status"], form, me),
            done=f"/admin/calls/{call_id}/setup?done=saved",
            again=lambda refusal: setup_page(call_id, me, form=shown, refusal=refusal),
        )

    @post("/{call_id:int}/criteria", status_code=HTTP_200_OK)
    async def add_criterion(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        await visible_call(call_id, me)
        typed = forms.typed(data, forms.CRITERION_FIELDS)
        return await submit_form(
            forms.add_criterion(call_id, typed, me),
            done=lambda created: f"/admin/calls/{call_id}/setup?done=criterion_added#criterion-{created}",
            again=lambda refusal: setup_page(call_id, me, criterion=(None, typed), refusal=refusal),
        )

    @post("/{call_id:int}/criteria/{criterion_id:int}", status_code=HTTP_200_OK)
    async def change_criterion(
        self, me: Me, call_id: PathId, criterion_id: PathId, data: Form
    ) -> Response[Any]:
        await visible_call(call_id, me)
        await _criterion_of_call(call_id, criterion_id)
        typed = forms.typed(data, forms.CRITERION_FIELDS)
        return await submit_form(
            forms.change_criterion(criterion_id, typed, me),
            done=f"/admin/calls/{call_id}/setup?done=criterion_changed#criterion-{criterion_id}",
            again=lambda refusal: setup_page(call_id, me, criterion=(criterion_id, typed), refusal=refusal),
        )

    @get("/{call_id:int}/criteria/{criterion_id:int}/remove")
    async def remove_criterion_form(self, me: Me, call_id: PathId, criterion_id: PathId) -> Template:
        call = await visible_call(call_id, me)
        row = await _criterion_of_call(call_id, criterion_id)
        return confirm_page(
            call,
            _("Remove the criterion"),
            _("The criterion %(code)s “%(title)s” is removed from the draft call.")
            % {"code": row["code"], "title": row["title"]},
            f"/admin/calls/{call_id}/criteria/{criterion_id}/remove",
            _("Remove the criterion"),
        )

    @post("/{call_id:int}/criteria/{criterion_id:int}/remove", status_code=HTTP_200_OK)
    async def remove_criterion(self, me: Me, call_id: PathId, criterion_id: PathId) -> Response[Any]:
        call = await visible_call(call_id, me)
        await _criterion_of_call(call_id, criterion_id)
        return await submit_form(
            service.remove_criterion(criterion_id, me),
            done=f"/admin/calls/{call_id}/setup?done=criterion_removed#criteria",
            again=lambda refusal: refused_page(call, refusal),
        )

    @post("/{call_id:int}/documents", status_code=HTTP_200_OK, request_max_body_size=page_upload_limit())
    async def add_document(self, request: AnyRequest, me: Me, call_id: PathId) -> Response[Any]:
        """The upload form (the CSRF check has already read the form)."""
        await visible_call(call_id, me)
        title = str((await request.form()).get("title", ""))[:1000]
        upload = await form_file(request)
        if upload is None:
            missing = Refusal(422, {"file": _("Choose a file to upload.")})
            return await setup_page(call_id, me, document_title=title, refusal=missing)
        return await submit_form(
            service.add_document(call_id, me, title, *upload),
            done=f"/admin/calls/{call_id}/setup?done=document_added#documents",
            again=lambda refusal: setup_page(call_id, me, document_title=title, refusal=refusal),
            file_field="file",
        )

    @get("/{call_id:int}/documents/{document_id:int}/remove")
    async def remove_document_form(self, me: Me, call_id: PathId, document_id: PathId) -> Template:
        call = await visible_call(call_id, me)
        row = await queries.find_document(call_id, document_id, include_draft=True)
        return confirm_page(
            call,
            _("Remove the document"),
            _("The document “%(title)s” (%(file)s) is removed from the call and deleted.")
            % {"title": row["title"], "file": row["filename"]},
            f"/admin/calls/{call_id}/documents/{document_id}/remove",
            _("Remove the document"),
        )

    @post("/{call_id:int}/documents/{document_id:int}/remove", status_code=HTTP_200_OK)
    async def remove_document(self, me: Me, call_id: PathId, document_id: PathId) -> Response[Any]:
        await visible_call(call_id, me)
        await service.remove_document(call_id, document_id, me)
        return Redirect(f"/admin/calls/{call_id}/setup?done=document_removed#documents")


async def municipality_choices(me: Me) -> list[dict[str, Any]]:
    """The current municipalities this staff member may run a call of (national staff: all)."""
    rows = await list_municipalities(current_only=True)
    scope = me.staff_scope
    return rows if scope is None else [row for row in rows if row["id"] in scope]


async def _new_page(form: dict[str, str], me: Me, refusal: Refusal | None = None) -> Template:
    return Template(
        "calls/staff/new.html",
        context={
            "form": form,
            "fields": forms.new_fields(me),
            "errors": refusal.errors if refusal else {},
            "message": refusal.message if refusal else None,
            "municipalities": await municipality_choices(me),
        },
        status_code=refusal.status_code if refusal else HTTP_200_OK,
    )


def confirm_page(
    call: dict[str, Any],
    title: str,
    text: str,
    action: str,
    button: str,
    *,
    refusal: Refusal | None = None,
    facts: list[tuple[str, str]] | None = None,
) -> Template:
    """A confirmation page: what the step does, and the one button that does it."""
    return Template(
        "calls/staff/confirm.html",
        context={
            "call": call,
            "title": title,
            "text": text,
            "action": action,
            "button": button,
            "facts": facts or [],
            "message": refusal.message or next(iter(refusal.errors.values()), None) if refusal else None,
        },
        status_code=refusal.status_code if refusal else HTTP_200_OK,
    )


def refused_page(call: dict[str, Any], refusal: Refusal) -> Template:
    """A step refused from a confirmation page: the reason, and the way back."""
    return confirm_page(call, _("Not done"), "", "", "", refusal=refusal)
