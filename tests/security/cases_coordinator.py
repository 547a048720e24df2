"""Access table: the coordinator's view of a municipality (issue 14, item 7).

The municipality's coordinator and staff (national, and municipal staff of LV-016 for LV-016);
the other municipality's coordinator 403; a municipal staff member outside their municipalities
404 (the app's municipal scope on `code` and `photo_id`). A photo is served only when consented
and of an accepted event in the municipality's schools. The calendar feed's token is the credential.
"""

from __future__ import annotations

from tests.security.table import LOGIN, Case, To, everyone


def municipality(holder: str, outcome, *, m=None) -> dict:
    """LV-016's pages: c, s, m; LV-022's: c2, s, and m 404."""
    return everyone(403) | {
        "anon": LOGIN,
        holder: outcome,
        "s": outcome,
        "m": (outcome if holder == "c" else 404) if m is None else m,
    }


PAGES = ("schedule", "events", "coverage", "follow", "calendar/new")

CASES = [
    *[
        Case(f"GET /municipality/{{code:str}}/{path}", f"/municipality/LV-016/{path}", municipality("c", 200))
        for path in PAGES
    ],
    *[
        Case(
            f"GET /municipality/{{code:str}}/{path}", f"/municipality/LV-022/{path}", municipality("c2", 200)
        )
        for path in PAGES
    ],
    Case(
        "GET /municipality/{code:str}/schedule",
        "/municipality/LV-016/schedule",
        municipality("c", 200),
        shows={"c": "Planned camp Alfa", "m": "Planned camp Alfa"},
    ),
    Case(
        "GET /municipality/{code:str}/events",
        "/municipality/LV-016/events",
        municipality("c", 200),
        shows={"c": "LEAK-A-SHOWNDESC", "m": "LEAK-A-ACCDESC"},
        hides={"c": "Held workshop Beta"},
    ),
    Case(
        "GET /municipality/{code:str}/events",
        "/municipality/LV-022/events",
        municipality("c2", 200),
        shows={"c2": "LEAK-B-SHOWNDESC"},
    ),
    Case(
        "POST /municipality/{code:str}/calendar",
        "/municipality/LV-016/calendar",
        municipality("c", 200),
        form={},
    ),
    Case(
        "POST /municipality/{code:str}/calendar",
        "/municipality/LV-022/calendar",
        municipality("c2", 200),
        form={},
    ),
    Case(
        "POST /municipality/{code:str}/digest",
        "/municipality/LV-016/digest",
        municipality("c", To("/municipality/LV-016/follow?done=off"), m=403) | {"s": 403},
        form={"digest": "off"},
        why="the digest is a coordinator's: staff have no municipalities of their own to follow",
    ),
    Case(
        "POST /municipality/{code:str}/digest",
        "/municipality/LV-022/digest",
        municipality("c2", To("/municipality/LV-022/follow?done=off"), m=404) | {"s": 403},
        form={"digest": "off"},
    ),
    *[
        case
        for suffix in ("", "/thumbnail")
        for case in (
            Case(
                f"GET /municipality/{{code:str}}/photos/{{photo_id:int}}{suffix}",
                f"/municipality/LV-016/photos/{{photo_a_shown}}{suffix}",
                municipality("c", 200),
            ),
            Case(
                f"GET /municipality/{{code:str}}/photos/{{photo_id:int}}{suffix}",
                f"/municipality/LV-016/photos/{{photo_a_locked}}{suffix}",
                municipality("c", 404),
                why="the accepted event's photo without consent",
            ),
            Case(
                f"GET /municipality/{{code:str}}/photos/{{photo_id:int}}{suffix}",
                f"/municipality/LV-016/photos/{{photo_a}}{suffix}",
                municipality("c", 404),
                why="a photo of an event not accepted",
            ),
            Case(
                f"GET /municipality/{{code:str}}/photos/{{photo_id:int}}{suffix}",
                f"/municipality/LV-016/photos/{{photo_b_shown}}{suffix}",
                municipality("c", 404),
                why="another municipality's photo through this municipality's address",
            ),
            Case(
                f"GET /municipality/{{code:str}}/photos/{{photo_id:int}}{suffix}",
                f"/municipality/LV-022/photos/{{photo_b_shown}}{suffix}",
                municipality("c2", 200),
            ),
        )
    ],
    Case(
        "GET /calendar/{token:str}",
        "/calendar/{feed_c}.ics",
        everyone(200) | {"m": 200},
        shows={"anon": "Planned camp Alfa"},
        hides={"anon": "Held workshop Beta"},
    ),
    Case("GET /calendar/{token:str}", "/calendar/{feed_c}", everyone(404) | {"m": 404}),
    Case("GET /calendar/{token:str}", "/calendar/not-a-token.ics", everyone(404) | {"m": 404}),
]
