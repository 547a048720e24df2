"""`grants send-mail`: the outbox sent by the real command, run as a separate process, to a loopback SMTP server."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest

from grants.core.tables import OutboxMessage
from grants.core.time import now
from tests.factories.mail import (
    queue,
    row,
)
from tests.factories.servers import GRANTS, free_port

pytestmark = pytest.mark.integration


async def send_mail_command(*args: str, **env: str) -> tuple[int, str, str]:
    environ = {**os.environ, **env}
    process = await asyncio.create_subprocess_exec(
        str(GRANTS),
        "send-mail",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environ,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, out.decode(), err.decode()


async def test_send_mail_command_sends_and_prints_one_line(outbox, smtp):
    await queue()
    await queue()

    code, out, err = await send_mail_command("--limit", "1", SMTP_URL=f"smtp://127.0.0.1:{smtp.port}")
    rest = await send_mail_command(SMTP_URL=f"smtp://127.0.0.1:{smtp.port}")

    assert (code, out) == (0, "sent 1, retried 0, failed 0, stuck 0\n"), err
    assert rest[:2] == (0, "sent 1, retried 0, failed 0, stuck 0\n"), rest[2]
    assert len(set(smtp.ids)) == 2


async def test_send_mail_command_without_smtp_url_sends_nothing(outbox, smtp):
    message_id = await queue()
    code, out, err = await send_mail_command()
    assert (code, out) == (
        0,
        "SMTP_URL is not set: 1 message(s) kept in the outbox; sent 0, retried 0, failed 0, stuck 0\n",
    ), err
    assert (await row(message_id))["status"] == "pending"
    assert smtp.messages == []


async def test_send_mail_command_requeues_stuck_rows_when_asked(outbox, smtp):
    message_id = await queue()
    await OutboxMessage.update(
        {OutboxMessage.status: "sending", OutboxMessage.claimed_at: now() - timedelta(hours=1)}
    ).where(OutboxMessage.id == message_id)

    code, out, err = await send_mail_command("--requeue-stuck", SMTP_URL=f"smtp://127.0.0.1:{smtp.port}")

    assert (code, out.splitlines()) == (
        0,
        [f"requeued 1 stuck message(s): [{message_id}]", "sent 1, retried 0, failed 0, stuck 0"],
    ), err
    assert smtp.ids == [(await row(message_id))["message_id"]]


async def test_send_mail_command_refuses_a_zero_limit(database):
    code, out, err = await send_mail_command("--limit", "0")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "grants send-mail: error: argument --limit: must be a whole number greater than zero, not '0'"
    )


async def test_send_mail_command_exits_1_when_a_message_failed(outbox, smtp):
    refused = await queue("nobody@example.lv")  # the test server refuses nobody@… for good (550)
    delivered = await queue()

    code, out, err = await send_mail_command(SMTP_URL=f"smtp://127.0.0.1:{smtp.port}")

    assert (code, out) == (1, "sent 1, retried 0, failed 1, stuck 0\n"), err
    assert ((await row(refused))["status"], (await row(delivered))["status"]) == ("failed", "sent")
    assert smtp.ids == [(await row(delivered))["message_id"]]


async def test_send_mail_command_exits_0_when_a_message_only_waits_for_a_retry(outbox):
    message_id = await queue()
    code, out, err = await send_mail_command(SMTP_URL=f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    assert (code, out) == (0, "sent 0, retried 1, failed 0, stuck 0\n"), err
    assert (await row(message_id))["status"] == "pending"
