"""The real `grants` command, run as a separate process against the test database.

The subprocess inherits the environment conftest.py set up (DATABASE_URL of
this run's SQLite file or PostgreSQL database, GRANTS_VAR_DIR, SECRET_KEY …),
so it works on the same data as the in-process app. Every test waits for the
process to end before touching the database again, and each test asks for the
`database` fixture so the database exists and is migrated before the process starts.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass

import pytest

from grants.registry.service import sync_municipalities
from grants.registry.tables import Municipality, School
from tests.factories.accounts import PASSWORD, unique_email
from tests.factories.registry import registration_numbers, write_csv
from tests.factories.servers import GRANTS

pytestmark = pytest.mark.integration

COMMANDS = ["serve", "migrate", "demo", "createuser", "import-schools", "remind", "send-mail", "worker"]
UP_TO_DATE = "Database is up to date; municipality registry: 0 change(s)."


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


async def grants(*args: str, **env: str) -> Run:
    """Run `grants ARGS` to its end with this test run's environment (plus `env`)."""
    environ = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **env}
    process = await asyncio.create_subprocess_exec(
        str(GRANTS),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environ,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=180)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


async def me(client, email: str, password: str) -> dict:
    token = await client.post("/api/auth/token", json={"email": email, "password": password})
    assert token.status_code == 200, token.text
    response = await client.get("/api/me", headers={"Authorization": f"Bearer {token.json()['token']}"})
    assert response.status_code == 200, response.text
    return response.json()


async def test_help_lists_every_command(database):
    result = await grants("--help")
    assert result.returncode == 0, result.stderr
    assert result.lines[0] == "usage: grants [-h] COMMAND ..."
    assert re.findall(r"^    (\S+)", result.stdout, re.M) == COMMANDS


async def test_no_command_is_a_usage_error(database):
    result = await grants()
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "grants: error: the following arguments are required: COMMAND"


async def test_migrate_twice_succeeds_and_changes_nothing_the_second_time(client):
    first = await grants("migrate")
    second = await grants("migrate")
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert first.lines[-1] == UP_TO_DATE
    assert second.lines[-1] == UP_TO_DATE
    # The in-process app still reads the same, intact registry.
    response = await client.get("/api/registry/municipalities", params={"current": "true"})
    assert len(response.json()) == 42


async def test_migrate_repairs_a_changed_municipality(client):
    await Municipality.update({Municipality.name: "Bauskas pagasts"}).where(Municipality.code == "LV-016")
    try:
        result = await grants("migrate")
    finally:
        await sync_municipalities()  # whatever happened, leave the registry right for the other tests
    assert result.returncode == 0, result.stderr
    assert result.lines[-1] == "Database is up to date; municipality registry: 1 change(s)."
    assert await Municipality.select(Municipality.name).where(Municipality.code == "LV-016") == [
        {"name": "Bauskas novads"}
    ]


async def test_import_schools_with_bad_rows_loads_the_good_ones_and_exits_1(client, tmp_path):
    n = registration_numbers(5)
    path = write_csv(
        tmp_path / "schools.csv",
        [
            (n[0], "Misas pamatskola", "LV-016", "general", "2017-09-01", ""),  # line 2
            (n[1][:9], "Stelpes pamatskola", "LV-016", "general", "", ""),  # line 3
            (n[2], "Skaistkalnes vidusskola", "LV-105", "general", "", ""),  # line 4
            (n[3], "Nezināma skola", "LV-999", "general", "", ""),  # line 5
            (n[4], "Garozas pamatskola", "LV-041", "general", "", ""),  # line 6
        ],
    )
    result = await grants("import-schools", str(path))

    assert result.returncode == 1, result.stderr
    assert [line.split(": ", 1)[0] for line in result.lines] == ["line 3", "line 5", result.lines[-1]]
    # The reasons are in the interface language; each quotes the value at fault.
    assert repr(n[1][:9]) in result.lines[0]
    assert "'LV-999'" in result.lines[1]
    assert result.lines[-1] == "3 created, 0 updated, 0 unchanged, 2 rejected"

    bauska = await client.get("/api/registry/schools", params={"municipality": "LV-016"})
    assert sorted(
        (s["registration_number"], s["name"]) for s in bauska.json() if s["registration_number"] in n
    ) == [
        (n[0], "Misas pamatskola"),
        (n[2], "Skaistkalnes vidusskola"),
    ]
    jelgava = await client.get("/api/registry/schools", params={"municipality": "LV-041"})
    assert [s["name"] for s in jelgava.json() if s["registration_number"] in n] == ["Garozas pamatskola"]
    assert await School.count().where(School.registration_number.is_in([n[1], n[3], n[1][:9]])) == 0


async def test_import_schools_clean_file_exits_0(client, tmp_path):
    n = registration_numbers(2)
    rows = [
        (n[0], "Bebru pamatskola", "LV-002", "general", "2018-01-01", ""),
        (n[1], "Pērses sākumskola", "LV-002", "general", "2019-09-01", ""),
    ]
    path = write_csv(tmp_path / "schools.csv", rows, delimiter=";")

    first = await grants("import-schools", str(path))
    again = await grants("import-schools", str(path))

    assert (first.returncode, first.lines) == (0, ["2 created, 0 updated, 0 unchanged, 0 rejected"])
    assert (again.returncode, again.lines) == (0, ["0 created, 0 updated, 2 unchanged, 0 rejected"])
    response = await client.get("/api/registry/schools", params={"municipality": "LV-002"})
    assert sorted(
        (s["registration_number"], s["name"], s["pumpurs"])
        for s in response.json()
        if s["registration_number"] in n
    ) == [
        (n[0], "Bebru pamatskola", True),
        (n[1], "Pērses sākumskola", True),
    ]


async def test_import_schools_file_missing_a_column_exits_1(database, tmp_path):
    n = registration_numbers(1)
    path = write_csv(
        tmp_path / "schools.csv", [(n[0], "Misas pamatskola")], header=("registration_number", "name")
    )
    result = await grants("import-schools", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "municipality_code" in result.stderr
    assert await School.count().where(School.registration_number == n[0]) == 0


async def test_import_schools_missing_file_exits_1(database, tmp_path):
    result = await grants("import-schools", str(tmp_path / "nav.csv"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert " ".join(result.stderr.split()) == f"No such file: {tmp_path / 'nav.csv'}"


async def test_createuser_coordinator_can_log_in_and_sees_its_municipality(client):
    email = unique_email("coordinator")
    result = await grants(
        "createuser",
        email,
        "--password",
        PASSWORD,
        "--role",
        "coordinator",
        "--municipality",
        "LV-016",
        "--name",
        "Anita Koordinatore",
    )
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(rf"User {re.escape(email)} \(id (\d+)\) has the role coordinator\.\n", result.stdout)
    assert match is not None, result.stdout

    assert await me(client, email, PASSWORD) == {
        "id": int(match.group(1)),
        "email": email,
        "name": "Anita Koordinatore",
        "roles": ["coordinator"],
        "organisation_id": None,
        "municipalities": ["LV-016"],
    }


async def test_createuser_again_resets_the_password(client):
    email = unique_email("staff")
    first = await grants("createuser", email, "--password", PASSWORD, "--role", "staff")
    second = await grants("createuser", email, "--password", "another-long-passphrase", "--role", "staff")
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert first.stdout == second.stdout
    old = await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert old.status_code == 401
    assert (await me(client, email, "another-long-passphrase"))["roles"] == ["staff"]


@pytest.mark.parametrize("municipality", [None, "LV-102", "LV-999"], ids=["missing", "former", "unknown"])
async def test_createuser_coordinator_needs_a_current_municipality(client, municipality):
    email = unique_email("coordinator")
    args = ["createuser", email, "--password", PASSWORD, "--role", "coordinator"]
    result = await grants(*args, *(["--municipality", municipality] if municipality else []))
    assert result.returncode == 1
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert len(errors) == 1
    assert errors[0].startswith("municipality: ")
    # No half-made user that could log in.
    token = await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert token.status_code == 401


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://x",
            "Configuration error: DATABASE_URL must start with sqlite:/// or postgres://, not 'mysql://x'",
        ),
        ("postgres://grants:s3cret-pw@127.0.0.1:1/grants", None),
        ("sqlite:///{tmp}/a-file/grants.sqlite", None),
    ],
    ids=["scheme", "unreachable-postgres", "sqlite-path-under-a-file"],
)
async def test_migrate_with_bad_database_url_says_so_in_one_line(database, tmp_path, url, message):
    (tmp_path / "a-file").write_text("not a directory")
    result = await grants("migrate", DATABASE_URL=url.format(tmp=tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert len(errors) == 1, result.stderr
    if message:
        assert errors[0] == message
    else:
        assert errors[0].startswith("Configuration error: DATABASE_URL: cannot open the database: ")
    assert "s3cret-pw" not in result.stderr
    assert not (tmp_path / "a-file" / "grants.sqlite").exists()


DEMO_LOGINS = [
    ("staff", "staff@demo.grants.lv", "demo-staff-2026"),
    ("staff/LV-016", "staff-bauska@demo.grants.lv", "demo-staff-2026"),
    ("staff/LV-041", "staff-jelgava@demo.grants.lv", "demo-staff-2026"),
    ("reviewer", "reviewer1@demo.grants.lv", "demo-review-2026"),
    ("reviewer", "reviewer2@demo.grants.lv", "demo-review-2026"),
    ("coordinator", "bauska@demo.grants.lv", "demo-coord-2026"),
    ("applicant", "ngo@demo.grants.lv", "demo-ngo-2026"),
]
DEMO_BAUSKA_SCHOOLS = {
    "4312900101": "Misas pamatskola",
    "4312900102": "Stelpes pamatskola",
    "4313900103": "Skaistkalnes vidusskola",
}


async def test_demo_twice_succeeds_and_prints_the_logins(client):
    first = await grants("demo")
    schools_after_first = await School.select().order_by(School.id)
    second = await grants("demo")

    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert first.stdout == second.stdout
    assert first.lines[0] == "Demo data is loaded. Log in at /login (staff and reviewers also at /admin/):"
    assert [tuple(line.split()) for line in first.lines[1:]] == DEMO_LOGINS
    assert await School.select().order_by(School.id) == schools_after_first

    response = await client.get("/api/registry/schools", params={"municipality": "LV-016"})
    assert {
        s["registration_number"]: s["name"]
        for s in response.json()
        if s["registration_number"] in DEMO_BAUSKA_SCHOOLS
    } == DEMO_BAUSKA_SCHOOLS


async def test_demo_logins_work(client):
    result = await grants("demo")
    assert result.returncode == 0, result.stderr
    seen = {}
    for _role, email, password in DEMO_LOGINS:
        profile = await me(client, email, password)
        seen[email] = (profile["roles"], profile["municipalities"], profile["organisation_id"] is not None)
    assert seen == {
        "staff@demo.grants.lv": (["staff"], [], False),
        "staff-bauska@demo.grants.lv": (["staff"], [], False),
        "staff-jelgava@demo.grants.lv": (["staff"], [], False),
        "reviewer1@demo.grants.lv": (["reviewer"], [], False),
        "reviewer2@demo.grants.lv": (["reviewer"], [], False),
        "bauska@demo.grants.lv": (["coordinator"], ["LV-016"], False),
        "ngo@demo.grants.lv": (["applicant"], [], True),
    }
