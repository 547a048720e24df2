"""The panel login's second factor, as piccolo-admin's login page asks for it.

With MFA, piccolo-admin's page posts `mfa_code` beside the username and the password, and shows its
code field only when a login is refused with 401 and exactly the detail "MFA code required" (its
own English words, compared by its script, so never translated). A user who needs the second
factor and has not enrolled is told to do that on the site's /login first.
"""

from __future__ import annotations

from typing import Any

from grants.accounts.service import two_factor
from grants.core.i18n import _

MFA_CODE_REQUIRED = "MFA code required"  # what piccolo-admin's login page waits for
MAX_CODE = 40


async def refusal(user_id: int, body: Any, client_ip: str) -> tuple[int, str] | None:
    """None when the login may go on (no second factor needed, or a right code); else the status and
    the detail of the refusal. TooManyAttempts goes up to the login's own answer."""
    if not await two_factor.needs_second_factor(user_id):
        return None
    if not await two_factor.is_enrolled(user_id):
        return 403, _("Two-factor sign-in is required: set it up by logging in at /login on the site first.")
    code = body.get("mfa_code") if body is not None else None
    if not isinstance(code, str) or not code.strip():
        return 401, MFA_CODE_REQUIRED
    if len(code) > MAX_CODE:
        return 401, _("The two-factor code is wrong or was used already.")
    try:
        await two_factor.verify(user_id, code.strip(), client_ip)
    except two_factor.WrongCode:
        return 401, _("The two-factor code is wrong or was used already.")
    return None
