"""Talking to the SMTP server: its settings from SMTP_URL, one reused connection, the message itself."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from grants.settings import Settings

SMTP_TIMEOUT = 30  # seconds, for connecting and for each SMTP command


def sender_domain(settings: Settings) -> str:
    """The site's host name: the default sender's domain and the Message-ID's."""
    return urlparse(settings.base_url).hostname or "localhost"


@dataclass(frozen=True)
class SmtpServer:
    """SMTP_URL: smtp://[user:password@]host[:25][?starttls=1][&from=addr] or smtps://…[:465]."""

    host: str
    port: int
    tls: str  # "" | "starttls" | "ssl"
    username: str
    password: str
    sender: str

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> SmtpServer:
        parsed = urlparse(url)
        query = parse_qs(parsed.query)
        secure = parsed.scheme == "smtps"
        starttls = query.get("starttls", ["0"])[0].lower() in {"1", "true", "yes"}
        return cls(
            host=parsed.hostname or "localhost",
            port=parsed.port or (465 if secure else 25),
            tls="ssl" if secure else ("starttls" if starttls else ""),
            username=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            sender=query.get("from", [f"noreply@{sender_domain(settings)}"])[0],
        )


class ConnectFailed(Exception):
    """The server could not be reached, or refused the TLS or the login."""


class Connection:
    """One SMTP session reused for a run; used from a worker thread, one call at a time."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is not None:
            try:
                self.smtp.noop()
            except (smtplib.SMTPException, OSError):
                self.close()
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except Exception as exc:  # refused, TLS, login; smtplib sends only ASCII credentials
                raise ConnectFailed(describe(exc)) from exc
        try:
            self.smtp.send_message(message)
        except BaseException:
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        s = self.server
        context = ssl.create_default_context()
        if s.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT)
        try:
            if s.tls == "starttls":
                smtp.starttls(context=context)
            if s.username:
                smtp.login(s.username, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
            self.smtp.close()
            self.smtp = None


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def permanent_refusal(exc: BaseException) -> bool:
    """Refusals that another attempt would not change: the recipient, the content, the message itself."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def build_message(row: dict[str, Any], sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Message-ID"] = row["message_id"]
    created = row["created_at"]
    message["Date"] = format_datetime(created if created.tzinfo else created.replace(tzinfo=UTC))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row["body_text"], cte="quoted-printable")
    if row["body_html"]:
        message.add_alternative(row["body_html"], subtype="html", cte="quoted-printable")
    message["Content-Language"] = row["language"]  # after the content: set_content drops Content-* headers
    return message
