"""What the Data section calls its tables, menu groups, columns and choices, in the reader's language.

piccolo-admin names a table by its database name ("grant_call") and a column by its Python name
("Budget Cents"). These English msgids (marked with N_ so that the catalogue extracts them) are
translated per request by admin.readable, which rewrites piccolo's answers; a test checks that every
column of every panel table has one, so a new column cannot slip in under its raw name.
"""

from __future__ import annotations

from collections.abc import Callable

from grants.accounts.states import legal_forms, member_roles
from grants.applications.states import statuses as application_statuses
from grants.awards.states import award_statuses, payment_kinds
from grants.calls.states import call_statuses
from grants.core.i18n import gettext


def N_(message: str) -> str:
    """A msgid to extract now and translate when the request's language is known."""
    return message


# The site's name (the title of the panel's page and of its welcome text).
SITE_NAME = N_("Grants")
BACK_OFFICE = N_("Back office")

TABLES = {
    "grant_call": N_("Calls"),
    "application": N_("Applications"),
    "award": N_("Awards"),
    "call_criterion": N_("Call criteria"),
    "agreement": N_("Agreements"),
    "payment": N_("Payments"),
    "municipality": N_("Municipalities"),
    "school": N_("Schools"),
    "organisation": N_("Organisations"),
    "membership": N_("Memberships"),
    "user_role": N_("User roles"),
    "piccolo_user": N_("Users"),
    "api_token": N_("API tokens"),
    "audit_log": N_("Audit log"),
    "outbox": N_("Outgoing mail"),
    "scheduled_job": N_("Scheduled jobs"),
}

# The menu groups (TableConfig.menu_group and FormConfig.form_group), English in the code.
GROUPS = {
    "Calls": N_("Calls"),
    "Applications": N_("Applications"),
    "Awards": N_("Awards"),
    "Registry": N_("Registry"),
    "Accounts": N_("Accounts"),
    "Audit": N_("Audit"),
    "Mail": N_("Mail"),
}

# Column labels by column name, the same in every table unless TABLE_COLUMNS says otherwise.
COLUMNS = {
    "id": N_("No."),
    "title": N_("Title"),
    "description": N_("Description"),
    "municipality": N_("Municipality"),
    "status": N_("Status"),
    "name": N_("Name"),
    "kind": N_("Kind"),
    "code": N_("Code"),
    "created_at": N_("Created"),
    "user": N_("User"),
    "role": N_("Role"),
    "award": N_("Award"),
    "email": N_("E-mail"),
    "registration_number": N_("Registration number"),
    # calls
    "budget_cents": N_("Budget"),
    "max_amount_cents": N_("Maximum amount"),
    "fixed_amount": N_("Fixed amount"),
    "quota": N_("Quota of projects"),
    "applications_per_organisation": N_("Applications per organisation"),
    "opens_at": N_("Opens"),
    "closes_at": N_("Closes"),
    "min_months": N_("Shortest project (months)"),
    "max_months": N_("Longest project (months)"),
    "score_threshold": N_("Score threshold"),
    "aggregation": N_("Score aggregation"),
    "reviewers_per_application": N_("Reviewers per application"),
    "blind_review": N_("Blind review"),
    "advance_percent": N_("Advance (%)"),
    "published_at": N_("Published"),
    "closed_early": N_("Closed early"),
    "review_closes_at": N_("Review deadline"),
    "appeal_route": N_("Appeal route"),
    "payment_method": N_("Payment method"),
    "requires_approval": N_("National approval required"),
    "call": N_("Call"),
    "max_points": N_("Maximum points"),
    "weight": N_("Weight"),
    "min_points": N_("Minimum points"),
    "position": N_("Position"),
    # applications and awards
    "reference": N_("Reference"),
    "summary": N_("Summary"),
    "objectives": N_("Objectives"),
    "target_group": N_("Target group"),
    "partners": N_("Partners"),
    "start_date": N_("Project starts"),
    "end_date": N_("Project ends"),
    "requested_cents": N_("Requested amount"),
    "created_by": N_("Created by"),
    "updated_at": N_("Changed"),
    "submitted_at": N_("Submitted"),
    "application": N_("Application"),
    "decided_by": N_("Decided by"),
    "decided_at": N_("Decided"),
    "reason": N_("Reason"),
    "decline_reason": N_("Reason for declining"),
    "termination_reason": N_("Reason for termination"),
    "final_report_approved_at": N_("Final report approved"),
    # awards
    "number": N_("Number"),
    "signed_on": N_("Signed on"),
    "storage_key": N_("Storage key"),
    "filename": N_("File name"),
    "content_type": N_("File type"),
    "size": N_("Size (bytes)"),
    "sha256": N_("SHA-256 checksum"),
    "recorded_by": N_("Recorded by"),
    "recorded_at": N_("Recorded"),
    "amount_cents": N_("Amount"),
    "due_on": N_("Due on"),
    "paid_on": N_("Paid on"),
    "paid_by": N_("Paid by"),
    "note": N_("Note"),
    # registry
    "short_name": N_("Short name"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "successor": N_("Successor"),
    "pumpurs_since": N_("In PuMPuRS since"),
    "pumpurs_until": N_("In PuMPuRS until"),
    # accounts
    "legal_form": N_("Legal form"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "contact_person": N_("Contact person"),
    "iban": N_("IBAN"),
    "organisation": N_("Organisation"),
    "username": N_("Login e-mail"),
    "password": N_("Password"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "active": N_("Active"),
    "admin": N_("Back-office user"),
    "superuser": N_("Programme staff"),
    "last_login": N_("Last login"),
    "token_hash": N_("Token hash"),
    "expires_at": N_("Expires"),
    # audit
    "actor_id": N_("Actor no."),
    "actor_email": N_("Actor"),
    "action": N_("Action"),
    "entity": N_("Entity"),
    "entity_id": N_("Entity no."),
    "data": N_("Data"),
    # mail and jobs
    "to_address": N_("To"),
    "subject": N_("Subject"),
    "body_text": N_("Text"),
    "body_html": N_("HTML"),
    "language": N_("Language"),
    "attempts": N_("Attempts"),
    "last_error": N_("Last error"),
    "next_attempt_at": N_("Next attempt"),
    "claimed_at": N_("Claimed"),
    "sent_at": N_("Sent"),
    "dedupe_key": N_("Deduplication key"),
    "message_id": N_("Message-ID"),
    "claimed_by": N_("Claimed by"),
    "last_run_at": N_("Last run"),
    "last_result": N_("Last result"),
}

# Where a table's column means something else than the name says elsewhere.
TABLE_COLUMNS = {
    ("membership", "role"): N_("Role in the organisation"),
    ("school", "kind"): N_("School type"),
    ("municipality", "kind"): N_("Municipality type"),
    ("scheduled_job", "name"): N_("Job"),
}

# A choice column's values by the labels the site shows for them.
CHOICES: dict[tuple[str, str], Callable[[], dict[str, str]]] = {
    ("grant_call", "status"): call_statuses,
    ("application", "status"): application_statuses,
    ("award", "status"): award_statuses,
    ("payment", "kind"): payment_kinds,
    ("organisation", "legal_form"): lambda: dict(legal_forms()),
    ("membership", "role"): lambda: dict(member_roles()),
}


def table_label(table: str) -> str:
    return gettext(TABLES[table]) if table in TABLES else table.replace("_", " ")


def group_label(group: str) -> str:
    return gettext(GROUPS[group]) if group in GROUPS else group


def column_label(table: str, column: str) -> str | None:
    """The column's label in the request's language; None for a column with none (piccolo's stays)."""
    msgid = TABLE_COLUMNS.get((table, column)) or COLUMNS.get(column)
    return gettext(msgid) if msgid else None


def choice_labels(table: str, column: str) -> dict[str, str]:
    labels = CHOICES.get((table, column))
    return labels() if labels is not None else {}
