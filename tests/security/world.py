"""Seeded data that could leak, built once through the services, and one caller per role.

Two organisations (A in LV-016, B in LV-022), each with a draft and a submitted
application, files and a clarification; B also in a call of LV-022 (world_scope.py), which the
municipal staff member of LV-016 ("m") must never see; a reviewer assigned to A's application
who scored it, another reviewer who declared a conflict with it (and reviews
B's); a coordinator of LV-016 and one of LV-022; awards in both municipalities.
Every private text carries a marker (LEAK-…): a response to a role that may
not see it must not contain it, whatever the status code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from grants.core.auth import Role
from tests.factories.accounts import PASSWORD, organisation, registered, unique_email
from tests.factories.applications import complete_application
from tests.factories.calls import call_payload
from tests.factories.registry import make_school

ROLES = ("anon", "a", "b", "r", "r2", "c", "c2", "s", "m")
ROLE_NAMES = {
    "anon": "anonymous",
    "a": "applicant A",
    "b": "applicant B",
    "r": "reviewer",
    "r2": "other reviewer",
    "c": "coordinator LV-016",
    "c2": "coordinator LV-022",
    "s": "staff",  # national programme staff (IKVD): every municipality
    "m": "municipal staff LV-016",  # runs the calls of LV-016 (A's municipality) only
}

REVIEWER_NAME = "Rūta LEAKREVIEWERNAME"

# marker -> the roles that may see it
SECRETS: dict[str, frozenset[str]] = {
    "LEAK-A-DRAFT": frozenset({"a", "s", "m"}),
    "LEAK-A-DRAFTFILE": frozenset({"a", "s", "m"}),
    "LEAK-A-SUB": frozenset({"a", "s", "r", "m"}),
    "LEAK-A-BUDGET": frozenset({"a", "s", "r", "m"}),
    "LEAK-A-EVENT": frozenset({"a", "s", "r", "m"}),
    "LEAK-A-FILE": frozenset({"a", "s", "r", "m"}),  # the file's name; the reviewer sees the list
    "LEAK-A-BODY": frozenset({"a", "s", "m"}),  # the file's content: the draft's file, no reviewer's
    "LEAK-A-SUBBODY": frozenset({"a", "s", "r", "m"}),  # the submitted one's: its reviewer downloads it
    "LEAK-A-CLAR": frozenset({"a", "s", "m"}),
    "LEAK-R-COMMENT": frozenset({"r", "s", "m"}),
    "LEAKREVIEWERNAME": frozenset({"r", "s", "m"}),  # applicants never learn who reviewed them
    "LEAK-R2-REASON": frozenset({"r2", "s", "m"}),
    "LEAK-B-DRAFT": frozenset({"b", "s", "m"}),
    "LEAK-B-SUB": frozenset({"b", "s", "r2", "m"}),
    "LEAK-DRAFT-CALL": frozenset({"s", "m"}),
    "LEAK-DRAFTDOC": frozenset({"s", "m"}),
}


def pdf(marker: str = "") -> bytes:
    return b"%PDF-1.4\n% " + marker.encode() + b"\n1 0 obj <<>> endobj\n%%EOF\n"


async def chunks_of(data: bytes) -> AsyncIterator[bytes]:
    yield data


@dataclass
class World:
    ids: dict[str, Any] = field(default_factory=dict)  # names used in the table's URL templates
    emails: dict[str, str] = field(default_factory=dict)  # role -> e-mail
    user_ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer token
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session id
    secrets: dict[str, frozenset[str]] = field(default_factory=lambda: dict(SECRETS))

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role in self.tokens else {}

    def forbidden(self, role: str) -> list[str]:
        """The markers this role must never be shown."""
        return sorted(marker for marker, allowed in self.secrets.items() if role not in allowed)


async def _user(world: World, key: str, role: Role, municipality: str | None = None, name: str = "") -> Any:
    from grants.accounts.queries import load_principal
    from grants.accounts.service.users import ensure_user

    email = unique_email(key)
    user_id = await ensure_user(email, PASSWORD, role, municipality, name or f"Person {key.upper()}")
    world.emails[key], world.user_ids[key] = email, user_id
    return await load_principal(user_id)


async def _applicant(world: World, key: str, municipality: str, org_name: str) -> Any:
    from grants.accounts.queries import load_principal

    email = unique_email(key)
    org = organisation(name=org_name, municipality_code=municipality)
    user_id, org_id = await registered(email, f"Person {key.upper()}", **org)
    world.emails[key], world.user_ids[key] = email, user_id
    world.ids |= {f"org_{key}": org_id, f"regno_{key}": org["registration_number"]}
    # Both applicants apply to LV-016's open call: its municipal staff member reads their addresses too.
    world.secrets[email] = frozenset({key, "s", "m"})
    return await load_principal(user_id)


async def _call(staff: Any, municipality: str, **overrides: Any) -> int:
    from grants.calls import service as calls

    payload = call_payload(
        municipality_code=municipality,
        reviewers_per_application=1,
        applications_per_organisation=3,
        **overrides,
    )
    call_id = await calls.create_call(payload, staff)
    return call_id


async def _application(call_id: int, who: Any, school: str, marker: str, **fields: Any) -> int:
    from grants.applications.service import drafts

    created = await drafts.create_draft(call_id, who, f"{marker} title")
    body = complete_application(
        school,
        title=f"{marker} title",
        summary=f"{marker} summary",
        objectives=f"{marker} objectives",
        **fields,
    )
    await drafts.update_application(created["id"], who, body)
    return created["id"]


async def _attach(application_id: int, who: Any, filename: str, content: bytes) -> int:
    from grants.applications.service import attachments

    return (await attachments.add_attachment(application_id, who, filename, chunks_of(content)))["id"]


async def _submitted_eligible(
    call_id: int, who: Any, staff: Any, school: str, marker: str, **fields: Any
) -> int:
    from grants.applications.service import submission
    from grants.scoring import service as scoring

    app_id = await _application(call_id, who, school, marker, **fields)
    await submission.submit(app_id, who)
    await scoring.check_eligibility(app_id, staff, {"A1": True}, "")
    return app_id


async def decided_call(
    staff: Any, municipality: str, winners: list[tuple[Any, str, str]]
) -> tuple[int, list]:
    """A call past its deadline with each (applicant, school, title) awarded; returns (call, awards)."""
    from grants.awards.service import decision as awards
    from grants.calls import service as calls
    from grants.calls.tables import Call
    from grants.core.time import now

    call_id = await _call(staff, municipality, title=f"Decided call {municipality}")
    await calls.publish(call_id, staff)
    # Projects that started two months ago, so that their events can be reported as held.
    start = now().date() - timedelta(days=60)
    period = {"start_date": start.isoformat(), "end_date": (start + timedelta(days=180)).isoformat()}
    apps = [
        await _submitted_eligible(call_id, who, staff, school, title, **period)
        for who, school, title in winners
    ]
    # Applications go in before the deadline and awards come after it: move the deadline past.
    await Call.update({Call.closes_at: now() - timedelta(minutes=5)}).where(Call.id == call_id)
    await calls.close(call_id, staff)
    made = [
        await awards.award(call_id, staff, app_id, reason="Seeded award without reviews") for app_id in apps
    ]
    await calls.decide(call_id, staff)
    return call_id, list(zip(apps, [a["id"] for a in made], strict=True))


async def build_world() -> World:
    from grants.accounts.service.sessions import issue_token, start_session
    from grants.applications.service import clarifications, submission
    from grants.calls import service as calls
    from grants.calls import service as documents
    from grants.core.time import now
    from grants.scoring import service as scoring

    world = World()
    staff = await _user(world, "s", Role.staff)
    await _user(world, "m", Role.staff, "LV-016")
    reviewer = await _user(world, "r", Role.reviewer, name=REVIEWER_NAME)
    other_reviewer = await _user(world, "r2", Role.reviewer)
    await _user(world, "c", Role.coordinator, "LV-016")
    await _user(world, "c2", Role.coordinator, "LV-022")
    a = await _applicant(world, "a", "LV-016", "Biedrība Alfa")
    b = await _applicant(world, "b", "LV-022", "Biedrība Beta")
    school16 = await make_school("LV-016", "Drošības pamatskola")
    school22 = await make_school("LV-022", "Cēsu drošības sākumskola")
    world.ids |= {"school16": school16, "school22": school22}

    # The open call in LV-016: drafts, submitted applications in review, files, a clarification.
    open_call = await _call(staff, "LV-016", title="Open security call")
    await calls.publish(open_call, staff)
    world.ids["call_open"] = open_call
    world.ids["doc_open"] = (
        await documents.add_document(open_call, staff, "Nolikums", "nolikums.pdf", chunks_of(pdf()))
    )["id"]
    world.ids["doc_doomed"] = (
        await documents.add_document(open_call, staff, "To remove", "remove.pdf", chunks_of(pdf()))
    )["id"]

    a_draft = await _application(open_call, a, school16, "LEAK-A-DRAFT")
    world.ids["a_draft"] = a_draft
    world.ids["att_a_draft"] = await _attach(a_draft, a, "LEAK-A-DRAFTFILE.pdf", pdf("LEAK-A-BODY"))

    events = [
        {
            "school": school16,
            "kind": "camp",
            "title": "LEAK-A-EVENT camp",
            "planned_date": "2027-04-10",
            "expected_participants": 20,
        }
    ]
    lines = [
        {
            "category": "services",
            "description": "LEAK-A-BUDGET leaders",
            "quantity": 1,
            "unit_cost": "4600.00",
        }
    ]
    a_sub = await _application(
        open_call, a, school16, "LEAK-A-SUB", planned_events=events, budget_lines=lines
    )
    world.ids["a_sub"] = a_sub
    world.ids["att_a_sub"] = await _attach(a_sub, a, "LEAK-A-FILE.pdf", pdf("LEAK-A-SUBBODY"))
    await submission.submit(a_sub, a)
    asked = await clarifications.ask_clarification(
        a_sub, staff, "LEAK-A-CLAR question", now() + timedelta(days=3)
    )
    world.ids["clar_a"] = asked["id"]
    await clarifications.answer_clarification(a_sub, asked["id"], a, "LEAK-A-CLAR answer")
    await scoring.check_eligibility(a_sub, staff, {"A1": True}, "")
    world.ids["asg_r"] = await scoring.assign(open_call, a_sub, world.user_ids["r"], staff)
    world.ids["asg_r2_conflict"] = await scoring.assign(open_call, a_sub, world.user_ids["r2"], staff)
    await scoring.declare_conflict(world.ids["asg_r"], reviewer, False, "")
    await scoring.save_scores(
        world.ids["asg_r"], reviewer, {"K1": 8, "K2": 7}, {"K1": "LEAK-R-COMMENT K1"}, "LEAK-R-COMMENT", True
    )
    await scoring.declare_conflict(world.ids["asg_r2_conflict"], other_reviewer, True, "LEAK-R2-REASON")

    world.ids["b_draft"] = await _application(open_call, b, school22, "LEAK-B-DRAFT")
    b_sub = await _submitted_eligible(open_call, b, staff, school22, "LEAK-B-SUB")
    world.ids["b_sub"] = b_sub
    world.ids["asg_r2"] = await scoring.assign(open_call, b_sub, world.user_ids["r2"], staff)
    await scoring.declare_conflict(world.ids["asg_r2"], other_reviewer, False, "")

    # A draft call only staff may see, with a document.
    draft_call = await _call(staff, "LV-016", title="LEAK-DRAFT-CALL title")
    world.ids["call_draft"] = draft_call
    world.ids["doc_draft"] = (
        await documents.add_document(
            draft_call, staff, "LEAK-DRAFTDOC", "LEAK-DRAFTDOC.pdf", chunks_of(pdf())
        )
    )["id"]

    # Awards: A's in LV-016 (one to keep, one the grantee may decline), B's in LV-022.
    decided, won = await decided_call(
        staff,
        "LV-016",
        [
            (a, school16, "Funded project Alfa"),
            (a, school16, "Declinable project Alfa"),
            (a, school16, "Finished project Alfa"),
        ],
    )
    world.ids |= {"call_decided": decided, "a_won": won[0][0], "award_a": won[0][1]}
    world.ids |= {"a_dec": won[1][0], "award_a_dec": won[1][1]}
    world.ids |= {"a_fin": won[2][0], "award_a_fin": won[2][1]}
    decided22, won22 = await decided_call(staff, "LV-022", [(b, school22, "Funded project Beta")])
    world.ids |= {"call_decided22": decided22, "b_won": won22[0][0], "award_b": won22[0][1]}

    from grants.applications.tables import Application
    from tests.security.world_reporting import build_reporting

    await build_reporting(world, staff, a, b)
    from tests.security.world_coordinator import build_coordinator

    await build_coordinator(world, staff, a, b)
    from tests.security.world_organisations import build_organisations

    await build_organisations(world, a, b)
    from tests.security.world_awards import build_awards

    await build_awards(world, staff, a)
    from tests.security.world_approval import build_approval

    await build_approval(world, staff, a)
    from tests.security.world_scope import build_scope

    await build_scope(world, staff, b)
    for key in ("a_won", "b_won", "a_sub"):
        row = await Application.select(Application.reference).where(Application.id == world.ids[key]).first()
        world.ids[f"ref_{key}"] = row["reference"]
    world.ids |= {f"email_{role}": email for role, email in world.emails.items()}
    for role in ROLES[1:]:
        token, _expires = await issue_token(world.user_ids[role])
        world.tokens[role] = token
        world.sessions[role] = await start_session(world.user_ids[role])
    return world
