"""One frozen Settings object, read from the environment once.

A bad value raises SettingsError whose message names the variable, so the
command line can stop start-up with one clear line.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = "sqlite:///var/grants.sqlite"
    storage_url: str = "file://var/files"
    s3_endpoint_url: str | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    aws_region: str = "eu-north-1"
    smtp_url: str | None = None
    redis_url: str | None = None
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    # Proxies whose X-Forwarded-For/-Proto headers are believed (the client IP counts logins).
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1",)
    upload_max_bytes: int = 10 * 1024 * 1024
    password_hash_iterations: int = 600_000
    login_max_failures: int = 5
    login_window_seconds: int = 300
    session_hours: int = 8
    token_hours: int = 24
    db_pool: bool = True
    var_dir: Path = field(default=PROJECT_ROOT / "var")
    password_reset_max_requests: int = 3
    # Staff and reviewers sign in with a TOTP code after the password (TWO_FACTOR_REQUIRED=0: not asked).
    two_factor_required: bool = True
    worker_poll_seconds: int = 2  # `grants worker`: how often it looks at the outbox (PostgreSQL LISTENs)
    reminder_hour: int = 7  # the Riga hour of the daily reminders
    mail_retention_days: int = 90  # the bodies of sent mail are blanked after this many days
    # Registrations one client address may make in an hour (valid forms only; field errors are free).
    register_max_per_hour: int = 5
    # The start of every identifier in the 360Giving open data: the publisher's registered prefix.
    open_data_prefix: str = "360G-pumpurs-"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def database_kind(self) -> str:
        return "postgres" if self.database_url.startswith(("postgres://", "postgresql://")) else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file; relative paths are taken from the project root."""
        # sqlite:///var/x.sqlite is relative to the project; sqlite:////abs/x.sqlite is absolute.
        path = Path(urlparse(self.database_url).path[1:])
        return path if path.is_absolute() else PROJECT_ROOT / path

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        mode = env.get("GRANTS_ENV", "development").strip() or "development"
        if mode not in {"development", "production", "test"}:
            raise SettingsError(f"GRANTS_ENV must be development, production or test, not {mode!r}")
        var_dir = Path(env.get("GRANTS_VAR_DIR", str(PROJECT_ROOT / "var")))
        database_url = _database_url(env.get("DATABASE_URL", "sqlite:///var/grants.sqlite"))
        storage_url = _storage_url(env.get("STORAGE_URL", "file://var/files"))
        smtp_url = _optional_url(env, "SMTP_URL", {"smtp", "smtps"})
        redis_url = _optional_url(env, "REDIS_URL", {"redis", "rediss"})
        s3_endpoint = _optional_url(env, "S3_ENDPOINT_URL", {"http", "https"})
        base_url = env.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
        if urlparse(base_url).scheme not in {"http", "https"} or not urlparse(base_url).netloc:
            raise SettingsError(f"BASE_URL must be an http(s) URL, not {base_url!r}")
        hosts = tuple(h.strip() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip())
        if not hosts:
            # dict.fromkeys: the default BASE_URL host is 127.0.0.1 itself, listed once.
            hosts = tuple(
                dict.fromkeys(("127.0.0.1", "localhost", urlparse(base_url).hostname or "localhost"))
            )
        secret_key = env.get("SECRET_KEY", "").strip()
        if not secret_key:
            if mode == "production":
                raise SettingsError("SECRET_KEY is required when GRANTS_ENV=production")
            secret_key = _development_secret(var_dir)
        elif len(secret_key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters long")
        return cls(
            env=mode,
            database_url=database_url,
            storage_url=storage_url,
            s3_endpoint_url=s3_endpoint,
            aws_access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
            aws_region=env.get("AWS_REGION", "eu-north-1"),
            smtp_url=smtp_url,
            redis_url=redis_url,
            secret_key=secret_key,
            base_url=base_url,
            allowed_hosts=hosts,
            forwarded_allow_ips=_address_list(env, "FORWARDED_ALLOW_IPS", ("127.0.0.1",)),
            upload_max_bytes=_positive_int(env, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
            password_hash_iterations=_positive_int(env, "PASSWORD_HASH_ITERATIONS", 600_000),
            login_max_failures=_positive_int(env, "LOGIN_MAX_FAILURES", 5),
            login_window_seconds=_positive_int(env, "LOGIN_WINDOW_SECONDS", 300),
            session_hours=_positive_int(env, "SESSION_HOURS", 8),
            token_hours=_positive_int(env, "TOKEN_HOURS", 24),
            db_pool=env.get("DB_POOL", "1") not in {"0", "false", "no"},
            var_dir=var_dir,
            password_reset_max_requests=_positive_int(env, "PASSWORD_RESET_MAX_REQUESTS", 3),
            two_factor_required=_switch(env, "TWO_FACTOR_REQUIRED", True),
            worker_poll_seconds=_positive_int(env, "WORKER_POLL_SECONDS", 2),
            reminder_hour=_hour(env, "REMINDER_HOUR", 7),
            mail_retention_days=_positive_int(env, "MAIL_RETENTION_DAYS", 90),
            register_max_per_hour=_positive_int(env, "REGISTER_MAX_PER_HOUR", 5),
            open_data_prefix=_open_data_prefix(env.get("OPEN_DATA_PREFIX", "360G-pumpurs-")),
        )


# 360Giving identifiers: "360G-", the publisher's part, then the publisher's own id (letters, digits,
# dots, dashes and underscores; no spaces, so an id stays one token in a URL or a CSV cell).
_OPEN_DATA_PREFIX = re.compile(r"^360G-[A-Za-z0-9._-]{1,40}$")


def _open_data_prefix(value: str) -> str:
    prefix = value.strip()
    if not _OPEN_DATA_PREFIX.match(prefix):
        raise SettingsError(
            f"OPEN_DATA_PREFIX must start with 360G- and be at most 45 letters, digits, '.', '-' or '_', "
            f"e.g. 360G-pumpurs-, not {value!r}"
        )
    return prefix


def _database_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme == "sqlite":
        if not parsed.path or parsed.path == "/":
            raise SettingsError("DATABASE_URL sqlite:/// needs a file path, e.g. sqlite:///var/grants.sqlite")
        return value
    if parsed.scheme in {"postgres", "postgresql"}:
        if not parsed.hostname and "host" not in parse_qs(parsed.query):
            raise SettingsError(
                "DATABASE_URL postgres:// needs a host, e.g. postgres://user@127.0.0.1:5432/grants"
            )
        return value
    raise SettingsError(f"DATABASE_URL must start with sqlite:/// or postgres://, not {value!r}")


def _storage_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme == "file" and (parsed.netloc or parsed.path):
        return value
    if parsed.scheme == "s3" and parsed.netloc:
        return value
    raise SettingsError(f"STORAGE_URL must be file://PATH or s3://BUCKET, not {value!r}")


def _optional_url(env: dict[str, str], name: str, schemes: set[str]) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.hostname:
        allowed = " or ".join(f"{s}://" for s in sorted(schemes))
        raise SettingsError(f"{name} must be a {allowed} URL with a host, not {value!r}")
    try:
        parsed.port  # noqa: B018 - a bad port raises here
    except ValueError as exc:
        raise SettingsError(f"{name} has a bad port: {value!r}") from exc
    return value


def _address_list(env: dict[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    for value in values:
        if value == "*":
            continue
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise SettingsError(f"{name} must list IP addresses or networks, not {value!r}") from None
    return values


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"{name} must be greater than zero, not {value}")
    return value


def _switch(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {raw!r}")


def _hour(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= 23:
        raise SettingsError(f"{name} must be an hour from 0 to 23, not {raw!r}")
    return int(raw)


def _development_secret(var_dir: Path) -> str:
    """A secret generated once into var/, so sessions survive restarts in development."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


_current: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    global _current
    if _current is None:
        _current = Settings.from_env()
    return _current


def override_settings(settings: Settings) -> None:
    """Replace the process-wide settings (the CLI and the tests build their own)."""
    global _current
    _current = settings
