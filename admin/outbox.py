"""The outbox in the panel: read-only, without the bodies, and a form that sends a failed message again.

The bodies carry password-reset and confirmation links, which staff must not be able to use: the
columns are secret (grants.core.tables), so neither the table nor its API (`__visible_fields`, a
row's detail, the CSV export) shows them. Resending goes through grants.core.mail, which audits it.
"""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig, TableConfig
from piccolo_api.crud.endpoints import OrderBy
from pydantic import Field
from starlette.requests import Request

from admin.forms import panel_actor
from admin.inputs import PanelForm
from admin.writes import read_only
from grants.core.errors import Conflict, NotFound
from grants.core.i18n import _
from grants.core.mail import resend_failed
from grants.core.tables import OutboxMessage, ScheduledJob

OUTBOX_TABLES = [
    TableConfig(
        OutboxMessage,
        validators=read_only(
            lambda: _("Read-only here: send a failed message again with the form “Resend a message”.")
        ),
        visible_columns=[
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
            OutboxMessage.next_attempt_at,
            OutboxMessage.sent_at,
        ],
        visible_filters=[OutboxMessage.to_address, OutboxMessage.status, OutboxMessage.subject],
        menu_group="Mail",
        order_by=[OrderBy(OutboxMessage.created_at, ascending=False)],
    ),
    TableConfig(
        ScheduledJob,
        validators=read_only(lambda: _("Read-only here: grants worker runs these jobs on its schedule.")),
        visible_columns=[ScheduledJob.name, ScheduledJob.last_run_at, ScheduledJob.last_result],
        menu_group="Mail",
    ),
]


class ResendMessage(PanelForm):
    message_id: int = Field(description="the number in its row's address in Outbox, e.g. 7 in #/outbox/7")


async def resend_message(request: Request, data: ResendMessage) -> str:
    try:
        await resend_failed(data.message_id, await panel_actor(request))
    except NotFound:
        raise ValueError(_("No message has the number {id}.").format(id=data.message_id)) from None
    except Conflict as exc:
        raise ValueError(exc.message) from None  # piccolo-admin shows a ValueError's message
    return _("The message {id} will be sent again.").format(id=data.message_id)


OUTBOX_FORMS = [
    FormConfig(
        name="Resend a message",
        pydantic_model=ResendMessage,
        endpoint=resend_message,
        description="Send a failed e-mail again (its attempts start anew); only failed messages.",
        form_group="Mail",
    ),
]
