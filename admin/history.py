"""An application's history from the audit log, in words: what happened to the application, its
reviews, its award and the award's payments, when (Riga time on the page) and by whom.

The audit rows keep what each service wrote (action, before/after, details as JSON); this module
turns each into one sentence and, where the row carries what someone typed (a question, a note, a
reason), that text beside it. An action this module does not know yet still reads as a change of
status when the row has one, never as raw JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.apps.user.tables import BaseUser

from grants.applications.states import statuses
from grants.awards.states import award_statuses, payment_kinds
from grants.core.i18n import _, get_language
from grants.core.money import MoneyError, display_cents, parse_cents
from grants.core.tables import AuditEntry
from grants.core.time import format_day

MAX_ENTRIES = 500  # far beyond any application's life; the page says when there are more
# What a row's details may hold that someone typed, in the order shown.
TYPED = ("question", "note", "termination_reason")


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str
    text: str = ""  # what someone typed with it (a question, a note, a reason), shown quoted


def _money(value: Any) -> str:
    try:
        return display_cents(parse_cents(str(value)), get_language())
    except MoneyError:
        return str(value)


def _day(value: Any) -> str:
    try:
        return format_day(date.fromisoformat(str(value)), get_language())
    except ValueError:
        return str(value)


def _sentence(row: dict[str, Any], people: dict[int, str]) -> str:
    data = row["data"] if isinstance(row["data"], dict) else {}
    after = data.get("after") if isinstance(data.get("after"), dict) else {}
    before = data.get("before") if isinstance(data.get("before"), dict) else {}
    entity, action = row["entity"], row["action"]
    if entity == "application":
        words = {
            "create": lambda: _("Draft created"),
            "attach": lambda: _("File attached: %(file)s") % {"file": after.get("file", "")},
            "detach": lambda: _("File removed: %(file)s") % {"file": before.get("file", "")},
            "submit": lambda: _("Submitted"),
            "withdraw": lambda: _("Withdrawn"),
            "clarification_requested": lambda: _("Clarification requested"),
            "clarification_answered": lambda: _("Clarification answered: the application is submitted again"),
            "eligible": lambda: _("Eligibility checked: eligible"),
            "ineligible": lambda: _("Eligibility checked: not eligible"),
            "in_review": lambda: _("Sent to review"),
            "assign": lambda: (
                _("Reviewer assigned: %(reviewer)s")
                % {"reviewer": people.get(after.get("reviewer"), _("a former user"))}
            ),
            "awarded": lambda: _("Awarded %(amount)s") % {"amount": _money(data.get("amount", ""))},
            "reserve": lambda: _("Put on the reserve list"),
            "rejected": lambda: _("Not funded"),
        }
    elif entity == "award":
        words = {
            "award": lambda: _("Award decided: %(amount)s") % {"amount": _money(after.get("amount", ""))},
            "sign": lambda: (
                _("Agreement %(number)s signed on %(day)s")
                % {"number": data.get("number", ""), "day": _day(data.get("signed_on", ""))}
            ),
            "decline": lambda: _("Award declined"),
            "start": lambda: _("Project started"),
            "final_report_submitted": lambda: _("Final report submitted"),
            "final_report_returned": lambda: _("Final report returned for correction"),
            "final_report_approved": lambda: (
                _("Final report approved: final payment %(amount)s")
                % {"amount": _money(data.get("final", ""))}
            ),
            "close": lambda: _("Award completed"),
            "terminate": lambda: _("Award terminated"),
        }
    elif entity == "payment":
        kinds = payment_kinds()
        words = {
            "add": lambda: (
                _("Payment falls due: %(kind)s, %(amount)s on %(day)s")
                % {
                    "kind": kinds.get(after.get("kind", ""), after.get("kind", "")),
                    "amount": _money(after.get("amount", "")),
                    "day": _day(after.get("due_on", "")),
                }
            ),
            "paid": lambda: (
                _("Payment made: %(amount)s on %(day)s")
                % {"amount": _money(after.get("amount", "")), "day": _day(after.get("paid_on", ""))}
            ),
            "lower": lambda: (
                _("Payment lowered from %(before)s to %(after)s")
                % {"before": _money(before.get("amount", "")), "after": _money(after.get("amount", ""))}
            ),
            "remove": lambda: _("Unpaid payment removed"),
        }
    else:  # assignment
        words = {
            "conflict_declared": lambda: _("A reviewer declared a conflict of interest"),
            "no_conflict": lambda: _("A reviewer declared no conflict of interest"),
            "review_submitted": lambda: _("Review submitted"),
            "review_reopened": lambda: _("Review reopened"),
        }
    if action in words:
        return words[action]()
    labels = statuses() | award_statuses()
    if "status" in after:
        return _("Status changed from %(before)s to %(after)s") % {
            "before": labels.get(before.get("status", ""), before.get("status", "—")),
            "after": labels.get(after["status"], after["status"]),
        }
    return _("Change recorded")


def _typed(row: dict[str, Any]) -> str:
    data = row["data"] if isinstance(row["data"], dict) else {}
    after = data.get("after") if isinstance(data.get("after"), dict) else {}
    texts = [after.get("question")] + [data.get(key) for key in TYPED]
    if row["action"] in ("review_reopened", "conflict_declared"):
        texts.append(data.get("reason"))
    return "\n".join(t for t in texts if isinstance(t, str) and t.strip())


async def history(
    application_id: int,
    award_id: int | None = None,
    payment_ids: list[int] | None = None,
    assignment_ids: list[int] | None = None,
) -> tuple[list[Entry], bool]:
    """The audit rows of the application and of what belongs to it, oldest first, in words; and
    whether there were more than MAX_ENTRIES (then the oldest are shown)."""
    where = (AuditEntry.entity == "application") & (AuditEntry.entity_id == str(application_id))
    for entity, ids in (
        ("award", [award_id] if award_id else []),
        ("payment", payment_ids or []),
        ("assignment", assignment_ids or []),
    ):
        if ids:
            where |= (AuditEntry.entity == entity) & AuditEntry.entity_id.is_in([str(i) for i in ids])
    rows = (
        await AuditEntry.select()
        .where(where)
        .order_by(AuditEntry.created_at)
        .order_by(AuditEntry.id)
        .limit(MAX_ENTRIES + 1)
        .output(load_json=True)
    )
    reviewers = {r["data"].get("after", {}).get("reviewer") for r in rows if r["action"] == "assign"}
    actors = {r["actor_id"] for r in rows if r["actor_id"]}
    ids = sorted(i for i in reviewers | actors if isinstance(i, int))
    people = {
        u["id"]: " ".join(p for p in (u["first_name"], u["last_name"]) if p) or u["email"]
        for u in (
            await BaseUser.select(BaseUser.id, BaseUser.email, BaseUser.first_name, BaseUser.last_name).where(
                BaseUser.id.is_in(ids or [0])
            )
        )
    }
    entries = [
        Entry(
            at=r["created_at"],
            who=people.get(r["actor_id"]) or r["actor_email"] or _("the system"),
            what=_sentence(r, people),
            text=_typed(r),
        )
        for r in rows[:MAX_ENTRIES]
    ]
    return entries, len(rows) > MAX_ENTRIES
