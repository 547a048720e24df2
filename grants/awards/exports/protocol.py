"""The evaluation committee's protocol as words and as an XLSX workbook (six sheets: the call, the
criteria, the committee, the reviewers' points, the ranking and decision, the national approval).
The texts go through gettext; the pages render them in Latvian, the protocol's language
(grants.awards.pages.staff_protocol). The workbook keeps numbers as numbers: amounts in euros with
the "#,##0.00 €" format, points with two decimals."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from grants.awards.tables import AwardStatus
from grants.core.i18n import _
from grants.core.money import display_cents, format_cents
from grants.core.time import format_riga

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGUAGE = "lv"  # the protocol's language, whatever the interface's
EURO_FORMAT = "#,##0.00 €"
POINTS_FORMAT = "0.00"
MIN_WIDTH, MAX_WIDTH = 8, 60  # a column's width in characters


class Euros:
    """An amount of the workbook: cents shown as euros, a number with the euro format."""

    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __str__(self) -> str:
        return display_cents(self.cents, LANGUAGE)


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
    """An amount as the site writes it in Latvian: "13 800,00 €"."""
    return display_cents(cents, LANGUAGE)


def points(value: Decimal | int | None) -> str:
    """A score, mark or threshold as the Latvian document writes it: "15,50"; "—" for none."""
    if value is None:
        return "—"
    return str(Decimal(str(value)).quantize(Decimal("0.01"))).replace(".", ",")


def _number(value: Decimal | int | float | None) -> Decimal | None:
    """A score or mark for the workbook: a number with two decimals (None stays an empty cell)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


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


def national_line(review: dict[str, Any]) -> str:
    """One national approval or return, plainly: "Saskaņoja Ilze Programma (ilze@…). Komentārs: …"."""
    approved = review["outcome"] == "approved"
    if review["label"]:
        text = (_("Approved by %(name)s") if approved else _("Returned by %(name)s")) % {
            "name": review["label"]
        }
    else:
        text = _("Approved by national staff") if approved else _("Returned to the municipality")
    comment = (review["comment"] or "").strip()
    if not comment:
        return text + "."
    return text + ". " + _("Comment: %(comment)s") % {"comment": comment}


def call_values(call: dict[str, Any]) -> list[tuple[str, Any]]:
    """The call's facts, typed: amounts as Euros, counts as int, the threshold as a Decimal."""
    aggregation = _("median") if call["aggregation"] == "median" else _("mean")
    return [
        (_("Municipality"), call["municipality_name"]),
        (_("Call"), call["title"]),
        (_("Applications opened"), format_riga(call["opens_at"], LANGUAGE)),
        (_("Applications closed"), format_riga(call["closes_at"], LANGUAGE)),
        (_("Budget"), Euros(call["budget_cents"])),
        (_("Projects to be funded (quota)"), call["quota"]),
        (_("Pass threshold (points)"), _number(call["score_threshold"])),
        (_("Score of an application"), aggregation),
        (_("National approval required"), _("Yes") if call["requires_approval"] else _("No")),
    ]


def call_facts(call: dict[str, Any]) -> list[tuple[str, str]]:
    """The call's facts as the page writes them."""
    return [
        (label, points(value) if isinstance(value, Decimal) else str(value))
        for label, value in call_values(call)
    ]


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    if isinstance(value, Euros):
        cell = WriteOnlyCell(sheet, value=Decimal(format_cents(value.cents)))
        cell.number_format = EURO_FORMAT
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, Decimal):
        cell.number_format = POINTS_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # text stays text, even "=…": no formula from what anyone typed
    return cell


def _width(value: Any) -> int:
    if value is None:
        return 0
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _sheet(workbook: Workbook, title: str, rows: list[list[Any]]) -> None:
    """A sheet of `rows` (the first is the header, frozen) with columns as wide as their longest
    text, within MIN_WIDTH..MAX_WIDTH characters."""
    sheet = workbook.create_sheet(title=title[:31])
    columns = max((len(row) for row in rows), default=0)
    for index in range(columns):
        longest = max((_width(row[index]) for row in rows if index < len(row)), default=0)
        width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])


def criteria_rows(data: dict[str, Any]) -> list[list[Any]]:
    head = [_("Code"), _("Criterion"), _("Maximum points"), _("Weight"), _("Minimum points")]
    rows: list[list[Any]] = [head]
    for c in data["eligibility"]:
        rows.append([c["code"], c["title"], _("Eligibility (yes or no)"), None, None])
    for c in data["quality"]:
        rows.append([c["code"], c["title"], c["max_points"], _number(c["weight"]), c["min_points"]])
    return rows


def national_rows(data: dict[str, Any]) -> list[list[Any]]:
    head = [_("Time"), _("Decision"), _("National staff member"), _("Comment")]
    return [head] + [
        [
            format_riga(r["decided_at"], LANGUAGE),
            _("Approved by national staff")
            if r["outcome"] == "approved"
            else _("Returned to the municipality"),
            r["label"],
            r["comment"] or "",
        ]
        for r in data["national"]
    ]


def _amount(app: dict[str, Any]) -> Euros | None:
    award = app["award"]
    return Euros(award["amount_cents"]) if award is not None else None


def protocol_xlsx(data: dict[str, Any]) -> bytes:
    call, quality = data["call"], data["quality"]
    codes = [c["code"] for c in quality]
    workbook = Workbook(write_only=True)
    _sheet(workbook, _("Call"), [[label, value] for label, value in call_values(call)])
    _sheet(workbook, _("Criteria"), criteria_rows(data))
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
                _("Amount awarded"),
            ]
        ]
        + [
            [
                app["rank"],
                app["reference"],
                app["organisation_name"],
                _number(app["score"]),
                *[_number(app["criteria"].get(code)) for code in codes],
                passed_text(app),
                failing(app),
                outcome(app),
                _amount(app),
            ]
            for app in data["applications"]
        ],
    )
    if call["requires_approval"] or data["national"]:
        _sheet(workbook, _("National approval"), national_rows(data))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
