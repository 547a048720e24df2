"""Fixtures of the core tests: an SMTP server that wants a login, an empty outbox, the file
storage on each backend (local files and S3 on moto's server)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from grants.core.storage import LocalStorage, S3Storage, Storage, get_storage
from grants.core.tables import OutboxMessage
from tests.factories.servers import free_port
from tests.factories.smtp import Collector
from tests.factories.storage import REGION, s3_client, storage_settings


@pytest.fixture
def smtp_with_login():
    """A server that wants user "grants" with the password "p@ss:w/rd" (AUTH over plain text: loopback only)."""
    collector = Collector()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"grants", b"p@ss:w/rd")
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    controller = Controller(
        collector, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    collector.port = controller.port
    yield collector
    controller.stop()


@pytest.fixture
async def outbox(database):
    """An empty outbox, so a run here sends only what this test queued."""
    await OutboxMessage.delete(force=True)
    yield
    await OutboxMessage.delete(force=True)


@pytest.fixture
def local_storage(tmp_path: Path) -> LocalStorage:
    storage = get_storage(storage_settings(tmp_path, STORAGE_URL=f"file://{tmp_path / 'files'}"))
    assert isinstance(storage, LocalStorage)
    return storage


@pytest.fixture
def s3_storage(tmp_path: Path, s3_endpoint: str) -> S3Storage:
    """A new bucket for each test, so what a test leaves behind is exactly what the bucket holds."""
    bucket = f"grants-test-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    storage = get_storage(
        storage_settings(
            tmp_path,
            STORAGE_URL=f"s3://{bucket}",
            S3_ENDPOINT_URL=s3_endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION=REGION,
        )
    )
    assert isinstance(storage, S3Storage)
    return storage


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest) -> Storage:
    return request.getfixturevalue(f"{request.param}_storage")
