"""Tables shared by every domain: the audit log, the login-failure counts, the e-mail outbox, the
worker's scheduled jobs."""

from enum import StrEnum

from piccolo.columns import JSONB, Integer, Text, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_log"):
    """Append-only: the audit service inserts, nothing updates or deletes."""

    created_at = Timestamptz(index=True)
    actor_id = Integer(null=True, default=None, index=True)
    actor_email = Varchar(length=254, default="")
    action = Varchar(length=80, index=True)
    entity = Varchar(length=80, index=True)
    entity_id = Varchar(length=64, index=True)
    data = JSONB(default="{}")


class LoginFailure(Table, tablename="login_failure"):
    """One row per failed login, so every worker process sees the same counts."""

    key = Varchar(length=300, index=True, index_method=IndexMethod.btree)
    created_at = Timestamptz(index=True)


class OutboxStatus(StrEnum):
    pending = "pending"  # waiting for its next_attempt_at
    sending = "sending"  # claimed by a worker; the SMTP call is under way (or the worker died)
    sent = "sent"
    failed = "failed"  # gave up: a permanent refusal, or too many attempts


class OutboxMessage(Table, tablename="outbox"):
    """One e-mail, written in the transaction that caused it; grants.core.mail sends it."""

    to_address = Varchar(length=254)
    subject = Varchar(length=300)
    # Secret: the bodies carry password-reset and confirmation links, so the admin panel's table API
    # never shows them (piccolo_api leaves secret columns out). Blanked after MAIL_RETENTION_DAYS once sent.
    body_text = Text(secret=True)
    body_html = Text(null=True, default=None, secret=True)
    language = Varchar(length=5, default="lv")
    created_at = Timestamptz(index=True)
    status = Varchar(length=10, choices=OutboxStatus, default=OutboxStatus.pending, index=True)
    attempts = Integer(default=0)
    last_error = Text(default="")
    next_attempt_at = Timestamptz(index=True)
    claimed_at = Timestamptz(null=True, default=None)  # when it went to "sending"
    sent_at = Timestamptz(null=True, default=None)
    # Callers make "send once" idempotent with it, e.g. "reminder:call:12:app:34".
    dedupe_key = Varchar(length=200, null=True, default=None, unique=True)
    # The Message-ID header, made once at enqueue: a retried send carries the same id.
    message_id = Varchar(length=250, unique=True)
    # The process that claimed it (grants.core.presence): its row goes back to pending once it is gone.
    # "" for a claim by a caller without a presence (in-process deliver_pending): reported as stuck.
    claimed_by = Varchar(length=64, default="")


class ScheduledJob(Table, tablename="scheduled_job"):
    """When each of the worker's scheduled jobs last ran (grants.worker), so a restart neither loses
    nor repeats a run."""

    name = Varchar(length=80, unique=True)
    last_run_at = Timestamptz(null=True, default=None)
    last_result = Varchar(length=300, default="")
