"""Every read of the awards: the awards a caller may see, their agreements and payments, what a call's
awards already take of its budget, the staff's awards page (the payment register: register.py).

Lists read their payments and agreements in one query for all their awards, never one per award.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.awards.rules import Room
from grants.awards.states import RELEASED, award_statuses
from grants.awards.tables import Agreement, Award, AwardStatus, Payment, PaymentKind
from grants.core.auth import Principal, Role, scoped, within
from grants.core.errors import NotFound
from grants.core.money import format_cents

AGREEMENT_COLUMNS = (
    Agreement.id,
    Agreement.award,
    Agreement.number,
    Agreement.signed_on,
    Agreement.filename,
    Agreement.content_type,
    Agreement.size,
    Agreement.sha256,
)


def award_columns() -> tuple[Any, ...]:
    return (
        Award.all_columns(),
        Award.application.organisation.as_alias("organisation"),
        Award.application.organisation.name.as_alias("organisation_name"),
        Award.application.reference.as_alias("reference"),
        Award.application.title.as_alias("title"),
        Award.application.start_date.as_alias("start_date"),
        Award.application.end_date.as_alias("end_date"),
        Award.call.advance_percent.as_alias("advance_percent"),
        Award.call.payment_method.as_alias("payment_method"),
        Award.call.title.as_alias("call_title"),
        Award.call.requires_approval.as_alias("requires_approval"),
    )


def payment_out(row: dict[str, Any]) -> dict[str, Any]:
    """A payment as the API shows it."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "amount": format_cents(row["amount_cents"]),
        "due_on": row["due_on"],
        "paid_on": row["paid_on"],
    }


def _staff_scope(principal: Principal) -> frozenset[int] | None:
    """A staff member's municipalities (None: national staff, or not staff: no narrowing here)."""
    return principal.staff_scope if principal.has(Role.staff) else None


async def list_awards(principal: Principal) -> list[dict[str, Any]]:
    """The caller's organisation's awards; staff those of their municipalities' calls (national: all)."""
    query = Award.select(
        Award.id,
        Award.call,
        Award.application,
        Award.application.reference.as_alias("reference"),
        Award.amount_cents,
        Award.status,
    ).order_by(Award.id)
    if not principal.has(Role.staff):
        if principal.organisation_id is None:
            return []
        query = query.where(Award.application.organisation == principal.organisation_id)
    return await scoped(query, Award.call.municipality, _staff_scope(principal))


async def reportable_award(award_id: int, principal: Principal) -> dict[str, Any]:
    """The award for staff, or for a member of the organisation it was awarded to; NotFound otherwise."""
    row = await Award.select(*award_columns()).where(Award.id == award_id).first()
    if row is None:
        raise NotFound
    own = principal.has(Role.applicant) and row["organisation"] == principal.organisation_id
    if not (principal.has(Role.staff) or own):
        raise NotFound
    return row


async def reportable_awards(principal: Principal) -> list[dict[str, Any]]:
    """Every award `reportable_award` would give the principal, in one query: staff all, a grantee its own."""
    query = Award.select(*award_columns()).order_by(Award.id)
    if not principal.has(Role.staff):
        if not principal.has(Role.applicant) or principal.organisation_id is None:
            return []
        query = query.where(Award.application.organisation == principal.organisation_id)
    return await scoped(query, Award.call.municipality, _staff_scope(principal))


async def agreement_document(award_id: int, principal: Principal) -> dict[str, Any]:
    """Where the signed agreement is stored, for staff and the grantee; NotFound for anyone else."""
    await reportable_award(award_id, principal)
    row = (
        await Agreement.select(Agreement.storage_key, Agreement.filename, Agreement.content_type)
        .where(Agreement.award == award_id)
        .first()
    )
    if row is None:
        raise NotFound
    return row


async def agreements_by_award(organisation_id: int | None = None) -> dict[int, dict[str, Any]]:
    """Every award's agreement (of one organisation's awards when given) in one query."""
    query = Agreement.select(Agreement.award, Agreement.number, Agreement.signed_on)
    if organisation_id is not None:
        query = query.where(Agreement.award.application.organisation == organisation_id)
    return {row["award"]: row for row in await query}


async def agreements_of(award_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The agreements of these awards (a page of them) in one query."""
    if not award_ids:
        return {}
    rows = await Agreement.select(*AGREEMENT_COLUMNS).where(Agreement.award.is_in(award_ids))
    return {row["award"]: row for row in rows}


async def payments_by_award(organisation_id: int | None = None) -> dict[int, list[dict[str, Any]]]:
    """Every award's payments in one query (of one organisation's awards when given), by award,
    in the order they fall due."""
    query = Payment.select(
        Payment.id, Payment.award, Payment.kind, Payment.amount_cents, Payment.due_on, Payment.paid_on
    )
    if organisation_id is not None:
        query = query.where(Payment.award.application.organisation == organisation_id)
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in await query.order_by(Payment.due_on).order_by(Payment.id):
        grouped.setdefault(row["award"], []).append(payment_out(row))
    return grouped


async def payments_of(award_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The payments of these awards (a page of them) in one query, by award, as they fall due."""
    if not award_ids:
        return {}
    rows = await (
        Payment.select(*Payment.all_columns())
        .where(Payment.award.is_in(award_ids))
        .order_by(Payment.due_on)
        .order_by(Payment.id)
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["award"], []).append(
            payment_out(row) | {"note": row["note"], "amount_cents": row["amount_cents"]}
        )
    return grouped


async def award_of_payment(payment_id: int) -> int:
    """The award a payment belongs to; NotFound for no such payment."""
    row = await Payment.select(Payment.award).where(Payment.id == payment_id).first()
    if row is None:
        raise NotFound
    return row["award"]


async def signing_day(award_id: int) -> date | None:
    """The day the award's agreement was signed; None before it is recorded."""
    row = await Agreement.select(Agreement.signed_on).where(Agreement.award == award_id).first()
    return None if row is None else row["signed_on"]


async def paid_total(award_id: int) -> int:
    """What the award's payments to the grantee add up to, paid or not, in cents (a refund owed back
    by the grantee is not one of them)."""
    rows = await Payment.select(Payment.amount_cents).where(
        (Payment.award == award_id) & (Payment.kind != PaymentKind.refund)
    )
    return sum(r["amount_cents"] for r in rows)


async def room_of(call: dict[str, Any]) -> Room:
    """What the call's live awards take of its budget and quota."""
    rows = await Award.select(Award.amount_cents).where(
        (Award.call == call["id"]) & Award.status.not_in(list(RELEASED))
    )
    # A terminated award keeps what was paid out of it (its unpaid payments are removed): that money
    # is spent, so only the rest of its amount returns to the budget.
    spent = await Payment.select(Payment.amount_cents).where(
        (Payment.award.call == call["id"])
        & (Payment.award.status == AwardStatus.terminated)
        & (Payment.kind != PaymentKind.refund)
    )
    used = sum(r["amount_cents"] for r in rows) + sum(r["amount_cents"] for r in spent)
    return Room(call["budget_cents"], call["quota"], used, len(rows))


async def awards_page(
    status: str | None,
    call_id: int | None,
    award_id: int | None,
    page: int,
    per_page: int,
    scope: frozenset[int] | None = None,
) -> dict[str, Any]:
    """A page of the staff's award list (newest first) with its agreements and payments, of the calls
    of the municipalities in `scope` (Principal.staff_scope; None: all)."""
    condition: Any = Award.id.is_not_null()
    if (mine := within(Award.call.municipality, scope)) is not None:
        condition &= mine
    if status in award_statuses():
        condition &= Award.status == status
    else:
        status = None
    if call_id is not None:
        condition &= Award.call == call_id
    if award_id is not None:
        condition &= Award.id == award_id
    total = await Award.count().where(condition)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = (
        await Award.select(
            Award.id,
            Award.status,
            Award.final_report_approved_at,
            Award.amount_cents,
            Award.termination_reason,
            Award.decline_reason,
            Award.call.as_alias("call_id"),
            Award.call.title.as_alias("call_title"),
            Award.call.municipality.name.as_alias("municipality"),
            Award.application.as_alias("application_id"),
            Award.application.reference.as_alias("reference"),
            Award.application.title.as_alias("title"),
            Award.application.organisation.name.as_alias("organisation"),
        )
        .where(condition)
        .order_by(Award.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    ids = [r["id"] for r in rows]
    return {
        "awards": rows,
        "agreements": await agreements_of(ids),
        "payments": await payments_of(ids),
        "status": status,
        "page": page,
        "pages": pages,
        "total": total,
    }


async def calls_with_awards(scope: frozenset[int] | None = None) -> list[dict[str, Any]]:
    """The calls that have any award (of the municipalities in `scope`), for a call filter."""
    query = Award.select(Award.call.as_alias("id"), Award.call.title.as_alias("title")).distinct()
    rows = await scoped(query, Award.call.municipality, scope)
    return sorted(rows, key=lambda r: (r["title"].casefold(), r["id"]))
