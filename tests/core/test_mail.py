"""Rendering, the SMTP_URL and the retry schedule of the outbox, without a database or a server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jinja2 import UndefinedError

from grants.core.i18n import get_language, set_language
from grants.core.mail import WELCOME_SUBJECT, DeliveryReport, enqueue, render, retry_delay
from grants.core.smtp import SmtpServer
from grants.settings import Settings
from tests.html import text_of

pytestmark = pytest.mark.unit

SETTINGS = Settings.from_env(
    {"SECRET_KEY": "mail-test-secret-key-0123456789abcdef", "BASE_URL": "https://granti.example.lv"}
)


def test_retry_delay_grows_fivefold_from_one_minute():
    assert [retry_delay(n) for n in range(1, 6)] == [timedelta(minutes=m) for m in (1, 5, 25, 125, 625)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.lv", ("mail.example.lv", 25, "", "", "", "noreply@granti.example.lv")),
        (
            "smtp://grants:p%40ss%3Aw%2Frd@mail.example.lv:587?starttls=1&from=granti@example.lv",
            ("mail.example.lv", 587, "starttls", "grants", "p@ss:w/rd", "granti@example.lv"),
        ),
        (
            "smtps://u:p@mail.example.lv",
            ("mail.example.lv", 465, "ssl", "u", "p", "noreply@granti.example.lv"),
        ),
        (
            "smtp://mail.example.lv:2525?starttls=0",
            ("mail.example.lv", 2525, "", "", "", "noreply@granti.example.lv"),
        ),
    ],
    ids=["plain", "starttls-login-from", "smtps", "starttls-off"],
)
def test_smtp_server_from_url(url, expected):
    server = SmtpServer.from_url(url, SETTINGS)
    assert (server.host, server.port, server.tls, server.username, server.password, server.sender) == expected


def test_render_welcome_in_latvian_restores_the_callers_language():
    set_language("en")
    try:
        subject, text, html = render(
            WELCOME_SUBJECT, "accounts/mail/welcome", {"organisation": "Biedrība “Tests”"}, "lv"
        )
        assert get_language() == "en"
    finally:
        set_language("lv")
    assert text.splitlines()[-1] == "Granti"
    assert "Mans konts: http://127.0.0.1:8000/account" in text.splitlines()
    assert text_of(html, 'a[href="http://127.0.0.1:8000/account"]') == "Mans konts"


def test_render_subject_takes_values_from_the_context_on_one_line():
    subject, _text, _html = render(
        "Reminder:\n%(organisation)s", "accounts/mail/welcome", {"organisation": "Biedrība “Tests”"}, "en"
    )
    assert subject == "Reminder: Biedrība “Tests”"


def test_render_missing_variable_fails_instead_of_sending_a_blank():
    with pytest.raises(UndefinedError, match="organisation"):
        render(WELCOME_SUBJECT, "accounts/mail/welcome", {}, "en")


@pytest.mark.parametrize("address", ["", "no-at-sign", "a@b.lv\r\nBcc: x@y.lv", "two words@b.lv"])
async def test_enqueue_refuses_what_is_not_an_address(address):
    with pytest.raises(ValueError, match="not an e-mail address"):
        await enqueue(address, WELCOME_SUBJECT, "accounts/mail/welcome", {"organisation": "X"})


def test_delivery_report_summary_names_stuck_ids():
    report = DeliveryReport(smtp=True, sent=3, retried=1, failed=0, stuck=[7, 9])
    assert report.summary() == (
        "sent 3, retried 1, failed 0, stuck 2 "
        "(outbox ids 7, 9: check they did not arrive, then run send-mail --requeue-stuck)"
    )
