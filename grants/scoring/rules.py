"""The checks of eligibility answers and of a reviewer's scores: pure, no database."""

from __future__ import annotations

from typing import Any

from grants.core.i18n import _

COMMENT_LIMIT = 5000  # characters of a criterion's comment
OVERALL_LIMIT = 10000  # characters of the review's overall comment


def eligibility_errors(codes: list[str], checks: dict[str, bool]) -> dict[str, str]:
    """Every eligibility criterion answered yes or no, and no answer to a criterion the call lacks."""
    errors = {
        f"checks.{code}": _("Answer yes or no.") for code in codes if not isinstance(checks.get(code), bool)
    }
    errors |= {f"checks.{code}": _("The call has no such criterion.") for code in checks if code not in codes}
    return errors


def score_errors(
    criteria: dict[str, dict[str, Any]],
    points: dict[str, int],
    comments: dict[str, str],
    submit: bool,
    comment: str = "",
) -> dict[str, str]:
    """Points within each criterion's range, comments within the limit and kept with points, the
    overall comment within its limit, and (to submit) every criterion scored. `criteria` are the
    call's quality criteria by code."""
    errors: dict[str, str] = {}
    if len(comment) > OVERALL_LIMIT:
        errors["comment"] = _("At most {n} characters.").format(n=OVERALL_LIMIT)
    for code, value in points.items():
        criterion = criteria.get(code)
        if criterion is None:
            errors[f"scores.{code}"] = _("The call has no such criterion.")
        elif (
            not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= criterion["max_points"]
        ):
            errors[f"scores.{code}"] = _("Give 0 to {max} points.").format(max=criterion["max_points"])
    for code, text in comments.items():
        if len(text) > COMMENT_LIMIT:
            errors[f"comments.{code}"] = _("At most {n} characters.").format(n=COMMENT_LIMIT)
        elif text.strip() and code not in points:
            # A criterion's comment is kept with its points; without them it would be lost silently.
            errors[f"scores.{code}"] = _("Give points as well, so that the comment can be saved.")
    if submit:
        errors |= {
            f"scores.{code}": _("Score this criterion before submitting.")
            for code in criteria
            if code not in points
        }
    return errors
