"""The e-mail outbox against a real SMTP server (aiosmtpd) on loopback and the real database."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from grants.core.db import write_transaction
from grants.core.i18n import get_language, set_language
from grants.core.mail import MAX_ATTEMPTS, WELCOME_SUBJECT, deliver_pending, enqueue, requeue_stuck
from grants.core.tables import OutboxMessage
from grants.core.time import now
from grants.settings import Settings
from tests.factories.accounts import unique_email
from tests.factories.mail import (
    ORGANISATION,
    SUBJECT,
    make_due,
    queue,
    queue_or_none,
    row,
    smtp_settings,
)
from tests.factories.servers import free_port

pytestmark = pytest.mark.integration


async def test_enqueue_and_deliver_sends_one_message_with_latvian_text_intact(outbox, smtp):
    to = unique_email("ngo")
    message_id = await queue(to, language="lv")

    report = await deliver_pending(smtp_settings(smtp.port))

    stored = await row(message_id)
    assert (report.sent, report.retried, report.failed, report.stuck) == (1, 0, 0, [])
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == to
    assert message["From"] == "grants@example.lv"
    assert message["Subject"] == SUBJECT
    assert message["Message-ID"] == stored["message_id"]
    assert message["Content-Language"] == "lv"
    text = message.get_body(("plain",)).get_content()
    assert text == stored["body_text"]
    assert f"{ORGANISATION} " in text
    assert "Mans konts: http://127.0.0.1:8000/account\n" in text
    assert message.get_body(("html",)).get_content() == stored["body_html"]
    assert (stored["status"], stored["attempts"], stored["last_error"]) == ("sent", 1, "")
    assert stored["sent_at"] is not None


async def test_deliver_again_sends_nothing_more(outbox, smtp):
    await queue()
    first = await deliver_pending(smtp_settings(smtp.port))
    second = await deliver_pending(smtp_settings(smtp.port))
    assert (first.sent, second.sent) == (1, 0)
    assert len(smtp.messages) == 1


async def test_enqueue_renders_in_the_recipients_language_and_restores_the_callers(outbox):
    set_language("en")
    try:
        latvian = await row(await queue(language="lv"))
        assert get_language() == "en"
        english = await row(await queue())  # no language: the current one
    finally:
        set_language("lv")
    assert (latvian["language"], english["language"]) == ("lv", "en")
    assert "Mans konts: http://127.0.0.1:8000/account" in latvian["body_text"]
    assert "My account: http://127.0.0.1:8000/account" in english["body_text"]


async def test_enqueue_html_escapes_the_context_and_text_keeps_it(outbox):
    message_id = await enqueue(
        unique_email(),
        WELCOME_SUBJECT,
        "accounts/mail/welcome",
        {"organisation": "<b>Biedrība</b>"},
        language="en",
    )
    stored = await row(message_id)
    assert stored["subject"] == "Your organisation is registered in Grants"
    assert "The organisation &lt;b&gt;Biedrība&lt;/b&gt; is now registered" in stored["body_html"]
    assert "<b>Biedrība</b>" not in stored["body_html"]
    assert "The organisation <b>Biedrība</b> is now registered" in stored["body_text"]
    assert stored["body_text"].startswith("Hello!\n")


async def test_enqueue_same_dedupe_key_twice_keeps_one_row(outbox):
    key = f"reminder:call:12:app:{unique_email()}"
    first = await queue(dedupe_key=key)
    async with write_transaction():
        second = await queue_or_none(dedupe_key=key)
        # The transaction is still usable after the conflict (PostgreSQL aborts it on an error).
        assert await OutboxMessage.count().where(OutboxMessage.dedupe_key == key) == 1
    assert isinstance(first, int)
    assert second is None
    assert await OutboxMessage.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key) == [
        {"id": first}
    ]


async def test_enqueue_in_a_rolled_back_transaction_leaves_no_row(outbox):
    to = unique_email("rolled-back")
    with pytest.raises(RuntimeError, match="the change failed"):
        async with write_transaction():
            await queue(to)
            raise RuntimeError("the change failed")
    assert await OutboxMessage.count().where(OutboxMessage.to_address == to) == 0


async def test_enqueue_in_a_committed_transaction_keeps_the_row(outbox):
    to = unique_email("committed")
    async with write_transaction():
        message_id = await queue(to)
    assert await OutboxMessage.select(OutboxMessage.id).where(OutboxMessage.to_address == to) == [
        {"id": message_id}
    ]


async def test_deliver_with_server_down_schedules_a_retry_then_sends_once_when_due(outbox, smtp):
    message_id = await queue()
    before = now()

    down = await deliver_pending(smtp_settings(free_port()))

    stored = await row(message_id)
    assert (down.sent, down.retried, down.failed) == (0, 1, 0)
    assert (stored["status"], stored["attempts"]) == ("pending", 1)
    assert stored["last_error"].startswith("ConnectionRefusedError")
    assert stored["next_attempt_at"] > before + timedelta(seconds=50)

    not_yet = await deliver_pending(smtp_settings(smtp.port))
    assert (not_yet.sent, len(smtp.messages)) == (0, 0)

    await make_due(message_id)
    up = await deliver_pending(smtp_settings(smtp.port))
    again = await deliver_pending(smtp_settings(smtp.port))

    stored = await row(message_id)
    assert (up.sent, again.sent) == (1, 0)
    assert smtp.ids == [stored["message_id"]]
    assert (stored["status"], stored["attempts"], stored["last_error"]) == ("sent", 2, "")


async def test_deliver_with_server_down_tries_only_one_message(outbox):
    ids = [await queue() for _ in range(3)]
    report = await deliver_pending(smtp_settings(free_port()))
    attempts = await OutboxMessage.select(OutboxMessage.attempts).where(OutboxMessage.id.is_in(ids))
    assert report.retried == 1
    assert sorted(r["attempts"] for r in attempts) == [0, 0, 1]


async def test_deliver_backs_off_and_fails_after_max_attempts(outbox):
    message_id = await queue()
    delays = []
    reports = []
    for _ in range(MAX_ATTEMPTS):
        await make_due(message_id)
        before = now()
        reports.append(await deliver_pending(smtp_settings(free_port())))
        stored = await row(message_id)
        if stored["status"] == "pending":
            delays.append(round((stored["next_attempt_at"] - before).total_seconds() / 60))
    assert delays == [1, 5, 25, 125, 625]
    assert [(r.retried, r.failed) for r in reports] == [(1, 0)] * (MAX_ATTEMPTS - 1) + [(0, 1)]
    assert (stored["status"], stored["attempts"]) == ("failed", MAX_ATTEMPTS)
    assert stored["last_error"].startswith("ConnectionRefusedError")

    await make_due(message_id)
    assert (await deliver_pending(smtp_settings(free_port()))).retried == 0  # a failed row stays failed


async def test_deliver_refused_recipient_fails_at_once_and_others_still_go(outbox, smtp):
    refused = await queue("nobody@example.lv")
    good = await queue()

    report = await deliver_pending(smtp_settings(smtp.port))

    bad_row, good_row = await row(refused), await row(good)
    assert (report.sent, report.retried, report.failed) == (1, 0, 1)
    assert (bad_row["status"], bad_row["attempts"]) == ("failed", 1)
    assert "550" in bad_row["last_error"]
    assert smtp.ids == [good_row["message_id"]]


async def test_deliver_row_with_an_injected_header_fails_at_once_without_sending(outbox, smtp):
    message_id = await queue()
    await OutboxMessage.update({OutboxMessage.to_address: "x@example.lv\r\nBcc: victim@example.lv"}).where(
        OutboxMessage.id == message_id
    )
    good = await queue()

    report = await deliver_pending(smtp_settings(smtp.port))

    stored = await row(message_id)
    assert (report.sent, report.failed) == (1, 1)
    assert (stored["status"], stored["attempts"]) == ("failed", 1)
    assert stored["last_error"].startswith("ValueError")
    assert smtp.ids == [(await row(good))["message_id"]]
    assert [m["Bcc"] for m in smtp.messages] == [None]


async def test_deliver_logs_in_with_the_user_and_password_of_the_url(outbox, smtp_with_login):
    message_id = await queue()
    env = {"GRANTS_ENV": "test", "SECRET_KEY": "mail-test-secret-key-0123456789abcdef"}
    wrong = Settings.from_env({**env, "SMTP_URL": f"smtp://grants:nope@127.0.0.1:{smtp_with_login.port}"})
    right = Settings.from_env(
        {**env, "SMTP_URL": f"smtp://grants:p%40ss%3Aw%2Frd@127.0.0.1:{smtp_with_login.port}"}
    )

    refused = await deliver_pending(wrong)
    stored = await row(message_id)
    assert (refused.retried, stored["status"]) == (1, "pending")
    assert stored["last_error"].startswith("SMTPAuthenticationError")

    await make_due(message_id)
    accepted = await deliver_pending(right)
    assert accepted.sent == 1
    assert smtp_with_login.ids == [stored["message_id"]]


async def test_two_concurrent_deliveries_send_each_message_exactly_once(outbox, smtp):
    ids = [await queue() for _ in range(20)]
    settings = smtp_settings(smtp.port)

    first, second = await asyncio.gather(deliver_pending(settings), deliver_pending(settings))

    rows = await OutboxMessage.select(OutboxMessage.message_id, OutboxMessage.status).where(
        OutboxMessage.id.is_in(ids)
    )
    assert first.sent + second.sent == 20
    assert sorted(smtp.ids) == sorted(r["message_id"] for r in rows)
    assert len(set(smtp.ids)) == 20
    assert {r["status"] for r in rows} == {"sent"}


async def test_stuck_sending_row_is_reported_not_resent_until_requeued(outbox, smtp):
    stuck = await queue()
    recent = await queue()
    for message_id, minutes in ((stuck, 20), (recent, 1)):
        await OutboxMessage.update(
            {
                OutboxMessage.status: "sending",
                OutboxMessage.attempts: 1,
                OutboxMessage.claimed_at: now() - timedelta(minutes=minutes),
            }
        ).where(OutboxMessage.id == message_id)

    report = await deliver_pending(smtp_settings(smtp.port))

    assert (report.sent, report.stuck, len(smtp.messages)) == (0, [stuck], 0)
    assert report.summary() == (
        f"sent 0, retried 0, failed 0, stuck 1 (outbox ids {stuck}: "
        "check they did not arrive, then run send-mail --requeue-stuck)"
    )
    assert await requeue_stuck() == [stuck]  # the one a live worker may still hold stays
    after = await deliver_pending(smtp_settings(smtp.port))
    assert (after.sent, after.stuck) == (1, [])
    assert smtp.ids == [(await row(stuck))["message_id"]]
    assert (await row(recent))["status"] == "sending"


async def test_deliver_without_smtp_url_keeps_rows_pending_and_logs_them(outbox, caplog):
    to = unique_email("kept")
    with caplog.at_level(logging.INFO, logger="grants.mail"):
        message_id = await queue(to)
        report = await deliver_pending(smtp_settings(None))

    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name == "grants.mail"] == [
        ("grants.mail", "INFO", f"mail queued: to {to}, subject {SUBJECT!r}, outbox id {message_id}"),
        ("grants.mail", "INFO", "SMTP_URL is not set: 1 message(s) kept in the outbox"),
    ]
    assert report.summary() == (
        "SMTP_URL is not set: 1 message(s) kept in the outbox; sent 0, retried 0, failed 0, stuck 0"
    )
    stored = await row(message_id)
    assert (stored["status"], stored["attempts"]) == ("pending", 0)
