"""E-mail through an outbox: written in the caller's transaction, sent by `grants worker` (or `send-mail`).

`enqueue()` renders templates/<domain>/mail/<name>.txt (and .html if there is one) in
the recipient's language and inserts an `outbox` row in the caller's
transaction: mail caused by a change that rolls back disappears with it, mail
caused by a change that commits is never lost. On PostgreSQL it also NOTIFYs
the workers, which hear it when the transaction commits. Without SMTP_URL the
row and the log line are the whole delivery (the embedded default).

`deliver_pending()` claims one due row at a time in a short transaction
(pending → sending, in the claimer's name; on PostgreSQL the row is picked with
FOR UPDATE SKIP LOCKED, on SQLite the IMMEDIATE transaction holds the write
lock): a row is claimed by exactly one process, because the claim re-checks
"still pending" on the locked row and commits before the send. The row is
marked sent right after the server accepted it, only if it is still this
claimer's. A failure retries after 1, 5, 25, 125, 625 minutes; the sixth failed
attempt, or a permanent refusal, marks it failed. An unreachable server ends the
run after one message, so an outage does not use up every message's attempts.

Crashes. A worker or `send-mail` claims in the name of a presence
(grants.core.presence) that lasts exactly as long as the process: a PostgreSQL
advisory lock on a connection of its own, or the SQLite worker's flock. A row in
"sending" whose claimer is gone goes back to pending (`requeue_abandoned()`, run
by the worker) and is sent again with the same Message-ID. So a process killed
while it waits for the server (connecting, greeting, MAIL, RCPT, or sending the
DATA) loses nothing, and sends nothing twice: the server had not taken the
message.

The window no design closes: the server took the message (it received the final
"." and decided to accept it) and the process died, or lost its database, before
"sent" was written. The row goes back to pending and the message is sent again,
with the same Message-ID, so the receiving side can tell the copy. It is as short
as the server's reply and one UPDATE. A claimer that is alive but cut off from
PostgreSQL looks gone to the others too (its lock went with its connection);
that is the same window, made as long as the cut.

Rows claimed without a presence (claimed_by "", an in-process call) are never
retried by themselves: `deliver_pending()` reports rows in "sending" for over 15
minutes as stuck, and an operator who has checked puts them back with
`requeue_stuck()` (`grants send-mail --requeue-stuck`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape
from piccolo.engine.postgres import PostgresEngine

from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import engine, for_update, write_transaction
from grants.core.errors import Conflict, NotFound
from grants.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, get_language, gettext, ngettext, set_language
from grants.core.money import display_cents
from grants.core.smtp import (
    ConnectFailed,
    Connection,
    SmtpServer,
    build_message,
    describe,
    permanent_refusal,
    sender_domain,
)
from grants.core.tables import OutboxMessage, OutboxStatus
from grants.core.time import now
from grants.settings import PROJECT_ROOT, Settings, get_settings

log = logging.getLogger("grants.mail")

TEMPLATES = PROJECT_ROOT / "templates"  # a mail is named from here: "<domain>/mail/<name>"
MAX_ATTEMPTS = 6
STUCK_AFTER = timedelta(minutes=15)
CHANNEL = "grants_outbox"  # PostgreSQL NOTIFY channel: a message was queued


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Marks a msgid for extraction; enqueue() translates it in the recipient's language."""
    return message


WELCOME_SUBJECT = N_("Your organisation is registered in Grants")


def retry_delay(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 1, 5, 25, 125, 625 minutes."""
    return timedelta(minutes=5 ** max(attempts - 1, 0))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,  # a missing variable fails at enqueue, not as a blank in the mail
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    # The pages' money filter, in the language render() set for the recipient: "4 600,00 €", not "4600.00 EUR".
    env.filters["euros"] = lambda cents: display_cents(cents, get_language())
    return env


def render(
    subject: str, template: str, context: dict[str, Any], language: str
) -> tuple[str, str, str | None]:
    """(subject, text, html or None) in `language`; the caller's language is restored after."""
    previous = get_language()
    set_language(language)
    try:
        values = {"base_url": get_settings().base_url, "language": language, **context}
        translated = gettext(subject)
        if "%(" in translated:
            translated = translated % values
        env = _environment()
        text = env.get_template(f"{template}.txt").render(values)
        try:
            html: str | None = env.get_template(f"{template}.html").render(values)
        except TemplateNotFound:
            html = None
    finally:
        set_language(previous)
    return " ".join(translated.split())[:300], text, html


async def enqueue(
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    *,
    language: str | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Render and queue one e-mail in the current transaction; its id, or None for a known dedupe_key.

    `subject` is a msgid (mark it with N_) with optional %(name)s from `context`;
    `language` defaults to the current one (the request's, or Latvian).
    """
    to = to.strip()
    if "@" not in to or any(c.isspace() for c in to) or len(to) > 254:
        raise ValueError(f"not an e-mail address: {to!r}")
    language = language if language in LANGUAGES else (DEFAULT_LANGUAGE if language else get_language())
    subject_text, text, html = render(subject, template, context, language)
    moment = now()
    query = OutboxMessage.insert(
        OutboxMessage(
            to_address=to,
            subject=subject_text,
            body_text=text,
            body_html=html,
            language=language,
            created_at=moment,
            status=OutboxStatus.pending,
            next_attempt_at=moment,
            dedupe_key=dedupe_key,
            message_id=make_msgid(domain=sender_domain(get_settings())),
        )
    )
    if dedupe_key is not None:
        # ON CONFLICT DO NOTHING: a unique violation would abort the caller's PostgreSQL transaction.
        query = query.on_conflict(target=OutboxMessage.dedupe_key, action="DO NOTHING")
    rows = await query
    if not rows:
        log.info("mail to %s not queued again: %r (dedupe key %s exists)", to, subject_text, dedupe_key)
        return None
    message_id = int(rows[0]["id"])
    await notify_workers()
    log.info("mail queued: to %s, subject %r, outbox id %s", to, subject_text, message_id)
    return message_id


async def notify_workers() -> None:
    """Wake the workers listening on PostgreSQL; delivered when the current transaction commits."""
    if isinstance(engine(), PostgresEngine):
        await OutboxMessage.raw(f"NOTIFY {CHANNEL}")


@dataclass
class DeliveryReport:
    smtp: bool  # False: SMTP_URL is not set, nothing was sent
    sent: int = 0
    retried: int = 0
    failed: int = 0
    stuck: list[int] = field(default_factory=list)  # ids in "sending" for longer than STUCK_AFTER
    waiting: int = 0  # pending rows after the run

    def summary(self) -> str:
        line = f"sent {self.sent}, retried {self.retried}, failed {self.failed}, stuck {len(self.stuck)}"
        if self.stuck:
            ids = ", ".join(str(i) for i in self.stuck)
            line += f" (outbox ids {ids}: check they did not arrive, then run send-mail --requeue-stuck)"
        if not self.smtp:
            return f"SMTP_URL is not set: {self.waiting} message(s) kept in the outbox; {line}"
        return line


def _stuck(older_than: timedelta) -> Any:
    return (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.claimed_at < now() - older_than)


async def stuck_messages(older_than: timedelta = STUCK_AFTER) -> list[int]:
    rows = await OutboxMessage.select(OutboxMessage.id).where(_stuck(older_than))
    return sorted(row["id"] for row in rows)


async def requeue_stuck(older_than: timedelta = STUCK_AFTER) -> list[int]:
    """Put rows stuck in "sending" back to pending: only after checking they were not delivered."""
    async with write_transaction():
        rows = await (
            OutboxMessage.update(status=OutboxStatus.pending, next_attempt_at=now(), claimed_at=None)
            .where(_stuck(older_than))
            .returning(OutboxMessage.id)
        )
    ids = sorted(row["id"] for row in rows)
    if ids:
        log.warning("requeued stuck mail: outbox ids %s", ids)
    return ids


async def _claim(claimer: str) -> dict[str, Any] | None:
    """The next due row, pending → sending in `claimer`'s name; None when nothing is due."""
    moment = now()
    due = (OutboxMessage.status == OutboxStatus.pending) & (OutboxMessage.next_attempt_at <= moment)
    async with write_transaction():
        query = (
            OutboxMessage.select(OutboxMessage.id)
            .where(due)
            .order_by(OutboxMessage.next_attempt_at)
            .order_by(OutboxMessage.id)
            .limit(1)
        )
        if isinstance(engine(), PostgresEngine):  # another claimer's locked row is skipped, not waited for
            query = query.lock_rows("UPDATE", skip_locked=True, of=(OutboxMessage,))
        picked = await query.first()
        if picked is None:
            return None
        rows = await (
            OutboxMessage.update(
                status=OutboxStatus.sending,
                claimed_at=moment,
                claimed_by=claimer,
                attempts=OutboxMessage.attempts + 1,
            )
            .where((OutboxMessage.id == picked["id"]) & due)
            .returning(*OutboxMessage.all_columns())
        )
    return rows[0] if rows else None


async def _finish(row: dict[str, Any], **values: Any) -> None:
    """Only while the row is still this claim's: a row given back meanwhile is not marked."""
    async with write_transaction():
        await OutboxMessage.update(**values, claimed_by="").where(
            (OutboxMessage.id == row["id"])
            & (OutboxMessage.status == OutboxStatus.sending)
            & (OutboxMessage.claimed_by == row["claimed_by"])
        )


async def _record_failure(row: dict[str, Any], exc: BaseException, permanent: bool = False) -> bool:
    """Store the error; schedule a retry, or give up. True when the message is now failed."""
    error = str(exc) if isinstance(exc, ConnectFailed) else describe(exc)
    attempts = row["attempts"]
    if permanent or permanent_refusal(exc) or attempts >= MAX_ATTEMPTS:
        await _finish(row, status=OutboxStatus.failed, last_error=error, claimed_at=None)
        log.error(
            "mail %s to %s: attempt %s failed, gave up: %s", row["id"], row["to_address"], attempts, error
        )
        return True
    retry_at = now() + retry_delay(attempts)
    await _finish(
        row, status=OutboxStatus.pending, last_error=error, claimed_at=None, next_attempt_at=retry_at
    )
    log.warning(
        "mail %s to %s: attempt %s failed, will retry: %s", row["id"], row["to_address"], attempts, error
    )
    return False


async def _pending_count() -> int:
    return await OutboxMessage.count().where(OutboxMessage.status == OutboxStatus.pending)


async def deliver_pending(
    settings: Settings | None = None,
    limit: int = 100,
    *,
    claimer: str = "",
    stop: Callable[[], bool] = lambda: False,
) -> DeliveryReport:
    """Send up to `limit` due messages once, claimed in `claimer`'s name; without SMTP_URL send
    nothing and say so. `stop()` is asked before each message: the one in hand is always finished."""
    settings = settings or get_settings()
    report = DeliveryReport(smtp=bool(settings.smtp_url))
    if settings.smtp_url:
        await _deliver(SmtpServer.from_url(settings.smtp_url, settings), limit, report, claimer, stop)
    report.stuck = await stuck_messages()
    report.waiting = await _pending_count()
    if not report.smtp:
        log.info("SMTP_URL is not set: %s message(s) kept in the outbox", report.waiting)
    if report.stuck:
        log.warning("mail stuck in sending (maybe sent, not retried): outbox ids %s", report.stuck)
    return report


async def _deliver(
    server: SmtpServer, limit: int, report: DeliveryReport, claimer: str, stop: Callable[[], bool]
) -> None:
    connection = Connection(server)
    try:
        for _ in range(limit):
            if stop():
                break
            row = await _claim(claimer)
            if row is None:
                break  # nothing is due
            try:
                message = build_message(row, server.sender)
            except ValueError as exc:  # a header the message cannot carry: no attempt will help
                report.failed += await _record_failure(row, exc, permanent=True)
                continue
            try:
                await asyncio.to_thread(connection.send, message)
            except Exception as exc:
                failed = await _record_failure(row, exc)
                report.failed += failed
                report.retried += not failed
                if isinstance(exc, ConnectFailed):
                    break  # the server is down: leave the rest for the next run
                continue
            await _finish(row, status=OutboxStatus.sent, sent_at=now(), last_error="")
            report.sent += 1
            log.info("mail %s sent to %s", row["id"], row["to_address"])
    finally:
        await asyncio.to_thread(connection.close)


async def resend_failed(message_id: int, actor: Principal | None) -> None:
    """A failed message back to pending with its attempts reset (same Message-ID); audited.
    NotFound for no such row, Conflict for a message that is not failed."""
    async with write_transaction():
        query = OutboxMessage.select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.to_address)
        row = await for_update(query.where(OutboxMessage.id == message_id)).first()
        if row is None:
            raise NotFound("outbox")
        if row["status"] != OutboxStatus.failed:
            raise Conflict(gettext("Only a failed message can be sent again."))
        await OutboxMessage.update(
            status=OutboxStatus.pending, attempts=0, next_attempt_at=now(), claimed_at=None, claimed_by=""
        ).where(OutboxMessage.id == message_id)
        await audit.record(
            "mail.resend",
            "outbox",
            message_id,
            actor=actor,
            before={"status": row["status"], "attempts": row["attempts"]},
            after={"status": OutboxStatus.pending, "attempts": 0},
        )
        await notify_workers()
    log.info("mail %s to %s queued again by %s", message_id, row["to_address"], actor.email if actor else "-")
