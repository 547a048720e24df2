"""Awards: the decision within the call's budget and quota (awards, the reserve list, declines), the
national approval of the decision where the call requires it, the signed agreement, the payments and
their register, termination, the ranking page staff decide on, and the evaluation committee's protocol.

`routes` is every handler of the domain, the one thing app.py takes from here.
"""

from grants.awards import api
from grants.awards.pages import (
    portal,
    portal_decline,
    staff,
    staff_approval,
    staff_decision,
    staff_decline,
    staff_protocol,
    staff_ranking,
)

routes = [
    *api.handlers,
    *staff.handlers,
    *staff_ranking.handlers,
    *staff_protocol.handlers,
    *staff_decision.handlers,
    *staff_approval.handlers,
    *portal_decline.handlers,
    *staff_decline.handlers,
    *portal.handlers,
]
