"""Every funded project as open data in the 360Giving Data Standard (1.4): a JSON data package and
the same grants flattened to CSV with the standard's column titles.

Choices the standard leaves to the publisher:

- Grant id: the OPEN_DATA_PREFIX setting (grants.settings, "360G-pumpurs-" by default) and the
  application's reference ("360G-pumpurs-BAU-2026-001").
- Recipient: the org-id.guide identifier of the Register of Enterprises of the Republic of Latvia,
  "LV-RE", which also keeps the register of associations and foundations, with the 11-digit
  registration number. charityNumber and companyNumber stay out: the schema defines them as UK
  charity and company numbers.
- Funder: the municipality that ran the call, identified by its registration number
  (Municipality.registration_number). A municipality is a derived public person: its number (9000…)
  comes from the State Revenue Service's taxpayer register, not from the Register of Enterprises,
  and org-id.guide lists no scheme for that register (its Latvian lists, github.com/org-id/register
  lists/lv: LV-RE and LV-CR, both the Register of Enterprises, and LV-COA, the state budget's chart
  of accounts, with no codes for municipalities). So the id is the publisher's own, as 360Giving's
  identifier guidance asks then: prefix + "municipality-" + the registration number. Where the
  registry has no number yet, the name stands alone in spirit, but the schema requires an id: prefix
  + "municipality-" + the ISO 3166-2:LV code, as before.
- Grant programme: PuMPuRS first (PROGRAMME_CODE, its ESF project number, and its name), then the
  municipality's call that made the grant. The CSV's one programme column set carries PuMPuRS.
- Beneficiary location: today's municipalities (after mergers) of the schools the project reaches,
  planned or held, else the call's; geoCode is the ISO 3166-2:LV code. 360Giving's geoCodeType
  codelist names only UK (ONS) code types, so GEO_CODE_TYPE names the ISO standard instead. A held
  event counts only once staff accepted it (issue 14): one waiting for review, or returned, is not
  in the file.
- Amounts are JSON numbers (the schema's type), written from integer cents through Decimal, so
  "4600.00" is exactly 4600.00: no float ever holds money here.
"""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal
from typing import Any

import msgspec

from grants.awards.tables import Award
from grants.core.money import format_cents
from grants.core.time import to_riga
from grants.reporting.exports.events import spreadsheet_safe
from grants.reporting.queries.reach import (
    counted_events,
    municipalities_reached,
    paid_cents,
    places,
    public_awards,
)
from grants.reporting.tables import EventReport, ReviewStatus
from grants.settings import get_settings

RECIPIENT_SCHEME = "LV-RE"  # org-id.guide: Register of Enterprises of the Republic of Latvia
PROGRAMME_CODE = "PuMPuRS-8.3.4.0/16/I/001"
PROGRAMME_TITLE = (
    "PuMPuRS: Atbalsts priekšlaicīgas mācību pārtraukšanas samazināšanai (ESF projekts Nr. 8.3.4.0/16/I/001)"
)
PROGRAMME_URL = "https://www.pumpurs.lv"
GEO_CODE_TYPE = "ISO 3166-2"
COUNTRY = "LV"
CURRENCY = "EUR"
SCHEMA_VERSION = "1.4"

_encoder = msgspec.json.Encoder(decimal_format="number")

COLUMNS = (
    Award.id,
    Award.amount_cents,
    Award.decided_at,
    Award.application.as_alias("application_id"),
    Award.application.reference.as_alias("reference"),
    Award.application.title.as_alias("title"),
    Award.application.summary.as_alias("summary"),
    Award.application.start_date.as_alias("start_date"),
    Award.application.end_date.as_alias("end_date"),
    Award.application.organisation.name.as_alias("organisation"),
    Award.application.organisation.registration_number.as_alias("registration_number"),
    Award.call.as_alias("call_id"),
    Award.call.title.as_alias("call_title"),
    Award.call.municipality.code.as_alias("call_municipality_code"),
    Award.call.municipality.name.as_alias("call_municipality_name"),
    Award.call.municipality.registration_number.as_alias("call_municipality_number"),
)


def identifier_prefix() -> str:
    """The start of every identifier the publisher makes: the OPEN_DATA_PREFIX setting."""
    return get_settings().open_data_prefix


def accepted_events() -> Any:
    """The events the open data counts: held and accepted by staff, of a project not declined."""
    return counted_events() & (EventReport.review == ReviewStatus.accepted)


def funder(row: dict[str, Any], prefix: str) -> dict[str, str]:
    """The municipality that ran the call: by its registration number, else by its ISO code."""
    own = row["call_municipality_number"] or row["call_municipality_code"]
    return {"id": f"{prefix}municipality-{own}", "name": row["call_municipality_name"]}


def euros(cents: int) -> Decimal:
    return Decimal(format_cents(cents))


async def grants(base_url: str) -> list[dict[str, Any]]:
    """Every award that was not declined and is final (approved where the call requires national
    approval: reach.public_awards), as 360Giving grants, oldest first."""
    prefix = identifier_prefix()
    rows = await Award.select(*COLUMNS).where(public_awards()).order_by(Award.id)
    where = await places()
    reach = await municipalities_reached(where, events=accepted_events())
    paid = await paid_cents(None)
    out = []
    for row in rows:
        locations = reach.get(row["id"]) or [
            {
                "code": where.today(row["call_municipality_code"]),
                "name": where.name(where.today(row["call_municipality_code"])),
            }
        ]
        grant: dict[str, Any] = {
            "id": prefix + row["reference"],
            "title": row["title"],
            "description": row["summary"] or row["title"],
            "currency": CURRENCY,
            "amountAwarded": euros(row["amount_cents"]),
            "amountDisbursed": euros(paid.get(row["id"], 0)),
            "awardDate": to_riga(row["decided_at"]).date().isoformat(),
            "url": f"{base_url}/results/projects/{row['id']}",
            "recipientOrganization": [
                {"id": f"{RECIPIENT_SCHEME}-{row['registration_number']}", "name": row["organisation"]}
            ],
            "fundingOrganization": [funder(row, prefix)],
            "grantProgramme": [
                {"code": PROGRAMME_CODE, "title": PROGRAMME_TITLE, "url": PROGRAMME_URL},
                {
                    "code": f"{prefix}call-{row['call_id']}",
                    "title": row["call_title"],
                    "url": f"{base_url}/results/calls/{row['call_id']}",
                },
            ],
            "beneficiaryLocation": [
                {
                    "name": m["name"],
                    "countryCode": COUNTRY,
                    "geoCode": m["code"],
                    "geoCodeType": GEO_CODE_TYPE,
                }
                for m in locations
            ],
        }
        dates = {
            key: day.isoformat()
            for key, day in (("startDate", row["start_date"]), ("endDate", row["end_date"]))
            if day is not None
        }
        if dates:
            grant["plannedDates"] = [dates]
        out.append(grant)
    return out


async def package_json(base_url: str) -> bytes:
    return _encoder.encode({"version": SCHEMA_VERSION, "grants": await grants(base_url)})


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _flat(grant: dict[str, Any], locations: int) -> list[Any]:
    dates = (grant.get("plannedDates") or [{}])[0]
    recipient, funder = grant["recipientOrganization"][0], grant["fundingOrganization"][0]
    programme = grant["grantProgramme"][0]
    cells = [
        grant["id"],
        spreadsheet_safe(grant["title"]),
        spreadsheet_safe(grant["description"]),
        grant["currency"],
        grant["amountAwarded"],
        grant["amountDisbursed"],
        grant["awardDate"],
        dates.get("startDate", ""),
        dates.get("endDate", ""),
        recipient["id"],
        spreadsheet_safe(recipient["name"]),
        funder["id"],
        funder["name"],
        programme["code"],
        spreadsheet_safe(programme["title"]),
        programme["url"],
        grant["url"],
    ]
    for index in range(locations):
        place = grant["beneficiaryLocation"][index] if index < len(grant["beneficiaryLocation"]) else {}
        cells += [place.get(k, "") for k in ("name", "countryCode", "geoCode", "geoCodeType")]
    return cells


def csv_header(locations: int) -> list[str]:
    head = [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Grant Programme:Code",
        "Grant Programme:Title",
        "Grant Programme:URL",
        "URL",
    ]
    for index in range(locations):
        head += [
            f"Beneficiary Location:{index}:{title}"
            for title in ("Name", "Country Code", "Geographic Code", "Geographic Code Type")
        ]
    return head


async def package_csv(base_url: str) -> bytes:
    """One row per grant; beneficiary locations numbered from 0 as 360Giving's CSV template does.
    Typed text that a spreadsheet would run as a formula gets a leading apostrophe, as in the app's
    other exports; the JSON keeps it as typed."""
    rows = await grants(base_url)
    locations = max((len(g["beneficiaryLocation"]) for g in rows), default=1)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header(locations))
    writer.writerows(_flat(g, locations) for g in rows)
    return buffer.getvalue().encode("utf-8")
