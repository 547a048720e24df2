"""The evaluation committee's protocol as words and as an XLSX workbook (four sheets: the call, the
committee, the reviewers' points, the ranking and decision). The texts go through gettext; the
pages render them in Latvian, the protocol's language (grants.awards.pages.staff_protocol)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from grants.awards.tables import AwardStatus
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.time import format_riga

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def outcome(app: dict[str, Any]) -> str:
    """The decision on one application, as the protocol states it."""
    award = app["award"]
    if award is not None and award["status"] == AwardStatus.declined:
        return _("Awarded %(amount)s, declined by the grantee") % {"amount": _euros(award["amount_cents"])}
    if award is not None:
        return _("Awarded %(amount)s") % {"amount": _euros(award["amount_cents"])}
    return {
        "reserve": _("Reserve list"),
        "rejected": _("Rejected"),
        "ineligible": _("Not eligible"),
        "eligible": _("Not decided yet"),
        "in_review": _("Not decided yet"),
    }.get(app["status"], _("Not evaluated"))


def _euros(cents: int) -> str:
    return f"{format_cents(cents).replace('.', ',')} EUR"


def points(value: Decimal | int | None) -> str:
    """A score, mark or threshold as the Latvian document writes it: "15,50"; "—" for none."""
    if value is None:
        return "—"
    return str(Decimal(str(value)).quantize(Decimal("0.01"))).replace(".", ",")


def failing(app: dict[str, Any]) -> str:
    """Why the application failed, every rule it broke; empty when it passed or was not ranked."""
    texts = []
    for item in app["ineligible_items"]:
        texts.append(_("Not eligible: %(code)s %(title)s") % {"code": item["code"], "title": item["title"]})
    for rule in app["failing"]:
        if rule["rule"] == "no_reviews":
            texts.append(_("No submitted review"))
        elif rule["rule"] == "threshold":
            texts.append(
                _("Score %(score)s below the threshold %(threshold)s")
                % {"score": points(rule["score"]), "threshold": points(rule["threshold"])}
            )
        else:
            texts.append(
                _("Criterion %(code)s: %(mark)s below its minimum %(minimum)s")
                % {"code": rule["code"], "mark": points(rule["mark"]), "minimum": rule["minimum"]}
            )
    return "; ".join(texts)


def passed_text(app: dict[str, Any]) -> str:
    if app["passed"] is None:
        return _("Not eligible") if app["ineligible_items"] or app["status"] == "ineligible" else "—"
    return _("Passed") if app["passed"] else _("Failed")


def declaration(assignment: dict[str, Any]) -> str:
    if assignment["conflict"] == "yes":
        reason = assignment["conflict_reason"].strip()
        return (
            _("Conflict of interest declared: %(reason)s") % {"reason": reason}
            if reason
            else _("Conflict of interest declared")
        )
    if assignment["conflict"] == "no":
        return _("No conflict of interest")
    return _("Not declared yet")


def call_facts(call: dict[str, Any]) -> list[tuple[str, str]]:
    aggregation = _("median") if call["aggregation"] == "median" else _("mean")
    facts = [
        (_("Municipality"), call["municipality_name"]),
        (_("Call"), call["title"]),
        (_("Applications opened"), format_riga(call["opens_at"], "lv")),
        (_("Applications closed"), format_riga(call["closes_at"], "lv")),
        (_("Budget"), _euros(call["budget_cents"])),
        (_("Projects to be funded (quota)"), str(call["quota"])),
        (_("Pass threshold (points)"), points(Decimal(str(call["score_threshold"])))),
        (_("Score of an application"), aggregation),
        (_("National approval required"), _("Yes") if call["requires_approval"] else _("No")),
    ]
    return facts


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, Decimal):
        cell.number_format = "0.00"
    elif isinstance(value, str):
        cell.data_type = "s"  # text stays text, even "=…": no formula from what anyone typed
    return cell


def _sheet(workbook: Workbook, title: str, rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])


def protocol_xlsx(data: dict[str, Any]) -> bytes:
    call, quality = data["call"], data["quality"]
    codes = [c["code"] for c in quality]
    workbook = Workbook(write_only=True)
    _sheet(workbook, _("Call"), [[label, value] for label, value in call_facts(call)])
    _sheet(
        workbook,
        _("Committee"),
        [[_("Committee member"), _("Application"), _("Declaration")]]
        + [
            [member["label"], d["reference"], declaration(d)]
            for member in data["members"]
            for d in member["declarations"]
        ],
    )
    _sheet(
        workbook,
        _("Points"),
        [[_("Application"), _("Committee member"), *codes]]
        + [
            [
                app["reference"],
                review["label"],
                *[review["scores"].get(code) for code in codes],
            ]
            for app in data["applications"]
            for review in app["reviews"]
        ],
    )
    _sheet(
        workbook,
        _("Ranking and decision"),
        [
            [
                _("Rank"),
                _("Application"),
                _("Organisation"),
                _("Score"),
                *codes,
                _("Result"),
                _("Failed rule"),
                _("Decision"),
            ]
        ]
        + [
            [
                app["rank"],
                app["reference"],
                app["organisation_name"],
                app["score"],
                *[app["criteria"].get(code) for code in codes],
                passed_text(app),
                failing(app),
                outcome(app),
            ]
            for app in data["applications"]
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
