"""The applicant portal's attachments step (/my/applications/{id}/attachments): attach, list, remove.

The step's form has two buttons: "Attach the file" comes back here, "Continue to the review" goes on
(its `step` names where). A file chosen when either is pressed is uploaded with that press, never
dropped; a refused file (too large, a type not taken) shows this step again with the message next to
the field. static/js/uploads.js checks the size and type before sending and, with a file chosen,
sends the form with the step navigation's links too; without script the buttons do the same.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.applications import forms
from grants.applications.pages.portal import AnyRequest, _load, _page
from grants.applications.service import attachments
from grants.applications.states import actions
from grants.core.auth import Me, Principal, Role, provide_me_as_applicant, roles
from grants.core.errors import NotFound
from grants.core.forms import submit_form
from grants.core.i18n import _
from grants.core.params import PathId
from grants.core.uploads import form_file, page_upload_limit


async def _file(
    me: Principal, application_id: int, attachment_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The application and one of its files; NotFound for a file of another application."""
    app = await _load(me, application_id)
    file = next((f for f in app["attachments"] if f["id"] == attachment_id), None)
    if file is None:
        raise NotFound
    return app, file


def _remove_page(app: dict[str, Any], file: dict[str, Any], message: str | None, status: int) -> Template:
    context = {
        "app": app,
        "file": file,
        "size": forms.file_size(file["size"]),
        "editable": actions(app["status"], app["call_row"])["edit"].allowed,
        "message": message,
    }
    return Template("applications/portal/remove_file.html", context=context, status_code=status)


class AttachmentPages(Controller):
    path = "/my"
    guards = [roles(Role.applicant)]
    dependencies = {"me": Provide(provide_me_as_applicant)}
    include_in_schema = False

    @get("/applications/{application_id:int}/attachments")
    async def attachments(
        self, me: Me, application_id: PathId, done: FromQuery[str | None] = None
    ) -> Template:
        return await _page(await _load(me, application_id), "attachments", done=done)

    @post(
        "/applications/{application_id:int}/attachments",
        status_code=HTTP_200_OK,
        request_max_body_size=page_upload_limit(),
    )
    async def attach(self, request: AnyRequest, me: Me, application_id: PathId) -> Response[Any]:
        app = await _load(me, application_id)
        upload = await form_file(request)
        # "Continue to the review" (or a step's link, by script): that step after the upload; else here.
        step = (await request.form()).get("step")
        going = step if step in forms.step_names() and step != "attachments" else None
        base = f"/my/applications/{application_id}"
        if upload is None:
            if going:
                return Redirect(f"{base}/{going}")
            return await _page(app, "attachments", errors={"file": _("Choose a file to upload.")}, status=422)
        return await submit_form(
            attachments.add_attachment(application_id, me, *upload),
            done=f"{base}/{going or 'attachments'}?done=attached",
            again=lambda refusal: _page(
                app, "attachments", errors=refusal.on_field("file"), status=refusal.status_code
            ),
            file_field="file",
        )

    @get("/applications/{application_id:int}/attachments/{attachment_id:int}/remove")
    async def remove_form(self, me: Me, application_id: PathId, attachment_id: PathId) -> Template:
        app, file = await _file(me, application_id, attachment_id)
        return _remove_page(app, file, None, HTTP_200_OK)

    @post(
        "/applications/{application_id:int}/attachments/{attachment_id:int}/remove", status_code=HTTP_200_OK
    )
    async def remove(self, me: Me, application_id: PathId, attachment_id: PathId) -> Response[Any]:
        app, file = await _file(me, application_id, attachment_id)
        return await submit_form(
            attachments.remove_attachment(attachment_id, me),
            done=f"/my/applications/{application_id}/attachments?done=removed",
            again=lambda refusal: _remove_page(app, file, refusal.message, refusal.status_code),
        )
