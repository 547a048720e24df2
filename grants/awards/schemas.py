from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType


class AwardIn(msgspec.Struct):
    """One application (`amount` below the requested one, or a not-passed choice, needs a `reason`),
    or `auto: true` for the whole call."""

    application_id: int | UnsetType = UNSET
    amount: str | UnsetType = UNSET  # decimal string, "4000.00"
    reason: str = ""
    auto: bool = False


class DeclineIn(msgspec.Struct):
    reason: str = ""  # required from staff


class AwardOut(msgspec.Struct):
    id: int
    application_id: int
    amount: str
    status: str


class AutoAwardOut(msgspec.Struct):
    """What one automatic run decided: the new awards, and the application ids put on the
    reserve list or rejected."""

    awarded: list[AwardOut]
    reserve: list[int]
    rejected: list[int]


class AwardListOut(msgspec.Struct):
    """An award as its grantee (or staff) sees it. `payments` is filled by the payments issue;
    until then it is always an empty list."""

    id: int
    call_id: int
    application_id: int
    reference: str
    amount: str
    status: str
    payments: list[dict] = msgspec.field(default_factory=list)
