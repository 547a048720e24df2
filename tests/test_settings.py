import stat
from pathlib import Path

import pytest

from grants.settings import PROJECT_ROOT, Settings, SettingsError

pytestmark = pytest.mark.unit

SECRET = "s" * 40


def settings(tmp_path: Path, **values: str) -> Settings:
    """Settings from exactly these variables (nothing of the test process's own environment)."""
    return Settings.from_env({"GRANTS_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": SECRET, **values})


def test_from_env_defaults(tmp_path):
    result = settings(tmp_path)
    assert result == Settings(
        env="development",
        database_url="sqlite:///var/grants.sqlite",
        storage_url="file://var/files",
        s3_endpoint_url=None,
        aws_access_key_id=None,
        aws_secret_access_key=None,
        aws_region="eu-north-1",
        smtp_url=None,
        redis_url=None,
        secret_key=SECRET,
        base_url="http://127.0.0.1:8000",
        allowed_hosts=("127.0.0.1", "localhost"),
        upload_max_bytes=10 * 1024 * 1024,
        password_hash_iterations=600_000,
        login_max_failures=5,
        login_window_seconds=300,
        session_hours=8,
        token_hours=24,
        db_pool=True,
        var_dir=tmp_path / "var",
    )
    assert result.production is False
    assert result.database_kind == "sqlite"


def test_from_env_reads_every_value(tmp_path):
    result = settings(
        tmp_path,
        GRANTS_ENV="production",
        DATABASE_URL="postgresql://grants@db.internal:5432/grants",
        STORAGE_URL="s3://grants-files",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_ACCESS_KEY_ID="key-id",
        AWS_SECRET_ACCESS_KEY="key-secret",
        AWS_REGION="eu-central-1",
        SMTP_URL="smtps://mail.example.lv:465",
        REDIS_URL="redis://127.0.0.1:6379/0",
        BASE_URL="https://granti.example.lv/",
        ALLOWED_HOSTS="granti.example.lv",
        UPLOAD_MAX_BYTES="2048",
        PASSWORD_HASH_ITERATIONS="1000",
        LOGIN_MAX_FAILURES="3",
        LOGIN_WINDOW_SECONDS="60",
        SESSION_HOURS="2",
        TOKEN_HOURS="1",
        DB_POOL="0",
    )
    assert result == Settings(
        env="production",
        database_url="postgresql://grants@db.internal:5432/grants",
        storage_url="s3://grants-files",
        s3_endpoint_url="http://127.0.0.1:9000",
        aws_access_key_id="key-id",
        aws_secret_access_key="key-secret",
        aws_region="eu-central-1",
        smtp_url="smtps://mail.example.lv:465",
        redis_url="redis://127.0.0.1:6379/0",
        secret_key=SECRET,
        base_url="https://granti.example.lv",
        allowed_hosts=("granti.example.lv",),
        upload_max_bytes=2048,
        password_hash_iterations=1000,
        login_max_failures=3,
        login_window_seconds=60,
        session_hours=2,
        token_hours=1,
        db_pool=False,
        var_dir=tmp_path / "var",
    )
    assert result.production is True
    assert result.database_kind == "postgres"


def test_settings_are_frozen(tmp_path):
    result = settings(tmp_path)
    with pytest.raises(AttributeError):
        result.env = "production"  # type: ignore[misc]


def test_sqlite_path_relative_is_taken_from_the_project_root(tmp_path):
    result = settings(tmp_path, DATABASE_URL="sqlite:///var/other.sqlite")
    assert result.sqlite_path == PROJECT_ROOT / "var" / "other.sqlite"


def test_sqlite_path_absolute_is_kept(tmp_path):
    result = settings(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/db/grants.sqlite")
    assert result.sqlite_path == tmp_path / "db" / "grants.sqlite"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("DATABASE_URL", "sqlite:///"),
        ("DATABASE_URL", "postgres:///grants"),
        ("STORAGE_URL", "ftp://x"),
        ("STORAGE_URL", "s3://"),
        ("SMTP_URL", "http://x"),
        ("SMTP_URL", "smtp://mail.example.lv:99999"),
        ("REDIS_URL", "nonsense"),
        ("S3_ENDPOINT_URL", "s3.example.lv"),
        ("BASE_URL", "notaurl"),
        ("BASE_URL", "ftp://example.lv"),
        ("UPLOAD_MAX_BYTES", "abc"),
        ("UPLOAD_MAX_BYTES", "0"),
        ("UPLOAD_MAX_BYTES", "-5"),
        ("UPLOAD_MAX_BYTES", "1.5"),
        ("TOKEN_HOURS", "zero"),
        ("GRANTS_ENV", "staging"),
        ("OPEN_DATA_PREFIX", "pumpurs-"),
        ("OPEN_DATA_PREFIX", "360G-"),
        ("OPEN_DATA_PREFIX", "360G-pum purs-"),
        ("OPEN_DATA_PREFIX", "360G-" + "x" * 41),
    ],
)
def test_from_env_bad_value_names_the_variable(tmp_path, name, value):
    with pytest.raises(SettingsError) as info:
        settings(tmp_path, **{name: value})
    assert str(info.value).startswith(f"{name} ")


def test_from_env_production_requires_secret_key(tmp_path):
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"GRANTS_ENV": "production", "GRANTS_VAR_DIR": str(tmp_path / "var")})
    assert str(info.value).startswith("SECRET_KEY ")
    # Production never falls back to a generated secret.
    assert not (tmp_path / "var" / "secret_key").exists()


def test_from_env_short_secret_key_is_refused(tmp_path):
    with pytest.raises(SettingsError) as info:
        settings(tmp_path, SECRET_KEY="too-short-0123456789")
    assert str(info.value).startswith("SECRET_KEY ")


def test_from_env_secret_key_of_32_characters_is_enough(tmp_path):
    assert settings(tmp_path, SECRET_KEY="k" * 32).secret_key == "k" * 32


def test_from_env_development_generates_a_secret_and_reuses_it(tmp_path):
    var_dir = tmp_path / "var"
    environ = {"GRANTS_ENV": "development", "GRANTS_VAR_DIR": str(var_dir)}

    first = Settings.from_env(environ)
    stored = var_dir / "secret_key"
    assert first.secret_key == stored.read_text()
    assert len(first.secret_key) >= 32
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600

    second = Settings.from_env(environ)
    assert second.secret_key == first.secret_key


def test_from_env_development_secrets_differ_between_var_dirs(tmp_path):
    one = Settings.from_env({"GRANTS_VAR_DIR": str(tmp_path / "one")})
    two = Settings.from_env({"GRANTS_VAR_DIR": str(tmp_path / "two")})
    assert one.secret_key != two.secret_key


def test_from_env_allowed_hosts_are_split_and_trimmed(tmp_path):
    result = settings(tmp_path, ALLOWED_HOSTS=" granti.example.lv , ,www.granti.example.lv,")
    assert result.allowed_hosts == ("granti.example.lv", "www.granti.example.lv")


def test_from_env_allowed_hosts_default_includes_the_base_url_host(tmp_path):
    result = settings(tmp_path, BASE_URL="https://granti.example.lv/")
    assert result.allowed_hosts == ("127.0.0.1", "localhost", "granti.example.lv")
    assert result.base_url == "https://granti.example.lv"


@pytest.mark.parametrize(("raw", "pool"), [("0", False), ("false", False), ("no", False), ("1", True)])
def test_from_env_db_pool_switch(tmp_path, raw, pool):
    assert settings(tmp_path, DB_POOL=raw).db_pool is pool


def test_settings_forwarded_allow_ips_parsed_and_checked():
    base = {"SECRET_KEY": "x" * 40}
    assert Settings.from_env(base).forwarded_allow_ips == ("127.0.0.1",)
    assert Settings.from_env(
        {**base, "FORWARDED_ALLOW_IPS": "10.0.0.5, 10.1.0.0/16"}
    ).forwarded_allow_ips == (
        "10.0.0.5",
        "10.1.0.0/16",
    )
    with pytest.raises(SettingsError) as error:
        Settings.from_env({**base, "FORWARDED_ALLOW_IPS": "proxy.local"})
    assert str(error.value).startswith("FORWARDED_ALLOW_IPS ")


def test_open_data_prefix_defaults_and_is_read(tmp_path):
    assert settings(tmp_path).open_data_prefix == "360G-pumpurs-"
    assert settings(tmp_path, OPEN_DATA_PREFIX=" 360G-bauska-\n").open_data_prefix == "360G-bauska-"
    assert settings(tmp_path, OPEN_DATA_PREFIX="360G-" + "x" * 40).open_data_prefix == "360G-" + "x" * 40
