"""The review's page forms: typed text to the service's input, and the errors only a page can see.

Each action here raises ValidationFailed for what the form got wrong, so that the page ends
every form through grants.core.forms.submit_form.
"""

from __future__ import annotations

import re
from typing import Any

from grants.core.auth import Principal
from grants.core.errors import NotFound, ValidationFailed
from grants.core.forms import about
from grants.core.i18n import _
from grants.core.inputs import check_texts
from grants.core.params import text_id
from grants.scoring import service
from grants.scoring.queries.progress import call_or_404
from grants.scoring.rules import COMMENT_LIMIT, OVERALL_LIMIT
from grants.scoring.schemas import ConflictIn, EligibilityIn

WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,9}$")


# --- the reviewer's forms -------------------------------------------------------------------------


def saved_form(view: dict[str, Any]) -> dict[str, str]:
    """The scoring form as saved: points and comments per criterion, and the overall comment."""
    form = {"comment": view["assignment"]["comment"] or ""}
    for criterion in view["criteria"]:
        saved = view["scores"].get(criterion["code"])
        form[f"scores.{criterion['code']}"] = str(saved["points"]) if saved else ""
        form[f"comments.{criterion['code']}"] = saved["comment"] if saved else ""
    return form


def typed_form(data: dict[str, str], criteria: list[dict[str, Any]]) -> dict[str, str]:
    """The scoring form as typed: only the fields of these criteria."""
    form = {"comment": str(data.get("comment", ""))}
    for criterion in criteria:
        for group in ("scores", "comments"):
            key = f"{group}.{criterion['code']}"
            form[key] = str(data.get(key, ""))
    return form


def read_scores(
    form: dict[str, str], criteria: list[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    """Typed text to the service's points and comments, with the errors only the page can see."""
    points: dict[str, int] = {}
    comments: dict[str, str] = {}
    errors: dict[str, str] = {}
    for criterion in criteria:
        code = criterion["code"]
        raw = form[f"scores.{code}"].strip()
        comment = form[f"comments.{code}"]
        comments[code] = comment
        if len(comment) > COMMENT_LIMIT:
            errors[f"comments.{code}"] = _("At most {n} characters.").format(n=COMMENT_LIMIT)
        if not raw:
            if comment.strip():
                # The service says the same; saying it here too lists every problem at once.
                errors[f"scores.{code}"] = _("Give points as well, so that the comment can be saved.")
            continue
        if not raw.isascii() or not WHOLE_NUMBER.match(raw):
            errors[f"scores.{code}"] = _("Enter a whole number from 0 to {max}.").format(
                max=criterion["max_points"]
            )
            continue
        points[code] = int(raw)
        if not 0 <= points[code] <= criterion["max_points"]:
            # The service says the same; saying it here too lists every problem at once.
            errors[f"scores.{code}"] = _("Give 0 to {max} points.").format(max=criterion["max_points"])
    if len(form["comment"]) > OVERALL_LIMIT:
        errors["comment"] = _("At most {n} characters.").format(n=OVERALL_LIMIT)
    return points, comments, errors


async def save_scores(
    assignment_id: int,
    me: Principal,
    form: dict[str, str],
    criteria: list[dict[str, Any]],
    *,
    submit: bool,
    confirm: bool,
) -> str:
    """Save the typed scores; to submit, every criterion scored and the box ticked."""
    points, comments, errors = read_scores(form, criteria)
    if submit:
        for criterion in criteria:
            key = f"scores.{criterion['code']}"
            if criterion["code"] not in points and key not in errors:
                errors[key] = _("Score this criterion before submitting.")
        if not confirm:
            errors["confirm"] = _("Tick the box to confirm that the scores are final.")
    if errors:
        raise ValidationFailed(errors)
    return await service.save_scores(assignment_id, me, points, comments, form["comment"], submit)


async def declare_conflict(assignment_id: int, me: Principal, choice: str, reason: str) -> str:
    """The declaration's yes or no, and the reason for a yes (both refused at once)."""
    errors = {} if choice in ("yes", "no") else {"conflict": _("Answer yes or no.")}
    if errors := errors | check_texts({"reason": reason}, ConflictIn):
        raise ValidationFailed(errors)
    return await service.declare_conflict(assignment_id, me, choice == "yes", reason)


def named(errors: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """The error summary's messages, each with the item it is about in front (`names` by field)."""
    return {key: about(names[key], text) if key in names else text for key, text in errors.items()}


def question(words: str) -> str:
    """A yes/no question as the summary names it: in its own words, quoted."""
    return _("“{question}”").format(question=words)


def review_names(criteria: list[dict[str, Any]]) -> dict[str, str]:
    """The scoring form's items: each criterion by its title, and the overall comment."""
    names = {"comment": _("Overall comment")}
    for criterion in criteria:
        names[f"scores.{criterion['code']}"] = _("Criterion “{title}”").format(title=criterion["title"])
        names[f"comments.{criterion['code']}"] = _("Comment on criterion “{title}”").format(
            title=criterion["title"]
        )
    return names


def declaration_names() -> dict[str, str]:
    """The declaration's items: its question in the words the page asks it, and the reason."""
    asked = question(_("Do you have a conflict of interest with this application?"))
    return {"conflict": asked, "reason": _("The reason for the conflict of interest")}


def eligibility_names(criteria: list[dict[str, Any]]) -> dict[str, str]:
    """The eligibility form's items: each criterion's yes/no question in its own words, and the note."""
    return {"note": _("Note")} | {f"checks.{c['code']}": question(c["title"]) for c in criteria}


# --- the staff's forms ----------------------------------------------------------------------------


def ticked_reviewers(data: dict[str, str]) -> list[int]:
    """The reviewers ticked for the panel ("reviewer.<id>" fields); a field with no id in it is ignored."""
    ids = (text_id(key.removeprefix("reviewer.")) for key in data if key.startswith("reviewer."))
    return [reviewer_id for reviewer_id in ids if reviewer_id is not None]


async def assign(call_id: int, data: dict[str, str], me: Principal) -> int:
    """Give the chosen application to the chosen reviewer; an application not of this call is as
    unchosen as a missing one (a missing call is NotFound)."""
    application_id = text_id(data.get("application_id", ""))
    reviewer_id = text_id(data.get("reviewer_id", ""))
    errors = {}
    if application_id is None:
        errors["application_id"] = _("Choose an application.")
    if reviewer_id is None:
        errors["reviewer_id"] = _("Choose a reviewer.")
    if errors or application_id is None or reviewer_id is None:
        raise ValidationFailed(errors)
    try:
        return await service.assign(call_id, application_id, reviewer_id, me)
    except NotFound:
        await call_or_404(call_id)
        raise ValidationFailed({"application_id": _("Choose an application.")}) from None


async def remind(call_id: int, data: dict[str, str], me: Principal) -> bool:
    """Remind the chosen reviewer of what is left in the call (409 when nothing is)."""
    reviewer_id = text_id(data.get("reviewer_id", ""))
    if reviewer_id is None:
        raise ValidationFailed({"reviewer_id": _("Choose a reviewer.")})
    await call_or_404(call_id)
    return await service.remind(call_id, reviewer_id, me)


def eligibility_answers(data: dict[str, str], criteria: list[dict[str, Any]]) -> dict[str, str]:
    """The typed answer ("yes", "no" or "") to each eligibility criterion, by code."""
    return {c["code"]: data.get(f"checks.{c['code']}", "") for c in criteria}


async def check_eligibility(application_id: int, me: Principal, answers: dict[str, str], note: str) -> str:
    """Every criterion answered and the note within its length, refused at once; then the service."""
    errors = {
        f"checks.{code}": _("Answer yes or no.")
        for code, value in answers.items()
        if value not in ("yes", "no")
    }
    if errors := errors | check_texts({"note": note}, EligibilityIn):
        raise ValidationFailed(errors)
    checks = {code: value == "yes" for code, value in answers.items() if value in ("yes", "no")}
    return await service.check_eligibility(application_id, me, checks, note)
