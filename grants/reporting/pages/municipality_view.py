"""The coordinator's view of a municipality beyond the dashboard's counts: the events planned ahead,
the accepted events with their consented photos, the schools no funded event reached this school
year, and how to follow it all (a secret calendar link, the weekly digest); the calendar feed itself.

Who: the guard lets in coordinators and staff, `dashboard.visible_places` then checks the
municipality (its coordinators or the coordinators of the one it merged into, and staff; a
municipal staff member outside their municipalities got 404 from the app's municipal scope).
The calendar feed is public: its secret token is the credential, and it works only while its
owner may still see the municipality.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK, HTTP_303_SEE_OTHER

from grants.accounts.queries import load_principal
from grants.applications.forms import event_kinds
from grants.core.auth import Me, Principal, Role, public, roles
from grants.core.errors import NotFound
from grants.core.i18n import _
from grants.core.params import PathId
from grants.core.time import now, riga_today
from grants.core.uploads import download_response
from grants.registry.queries import municipality_id_of_code
from grants.reporting.exports.calendar import calendar_bytes
from grants.reporting.exports.photos import thumbnail_response
from grants.reporting.queries import coordinator as queries
from grants.reporting.queries.dashboard import visible_places
from grants.reporting.queries.reach import Places, places
from grants.reporting.service import follow
from grants.reporting.states import band_labels
from grants.settings import get_settings

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PRIVATE = {"Cache-Control": "private, no-store"}
FEED_SUFFIX = ".ics"


def _municipality(code: str, where: Places) -> dict[str, str]:
    return {"code": code, "name": where.name(code)}


def _pager(base: str, found: queries.Page) -> Any:
    def link(number: int) -> str:
        return base + (f"?{urlencode({'page': number})}" if number > 1 else "")

    return link


class CoordinatorPages(Controller):
    path = "/municipality"
    guards = [roles(Role.staff, Role.coordinator)]
    include_in_schema = False

    @get("/{code:str}/schedule", name="municipality_schedule")
    async def schedule(self, me: Me, code: FromPath[str], page: FromQuery[int] = 1) -> Template:
        where = await visible_places(code, me)
        found = await queries.schedule(where.merged_into(code), riga_today(), page)
        return Template(
            "reporting/municipality/schedule.html",
            context={
                "municipality": _municipality(code, where),
                "found": found,
                "kinds": dict(event_kinds()),
                "link": _pager(f"/municipality/{code}/schedule", found),
            },
            headers=PRIVATE,
        )

    @get("/{code:str}/events", name="municipality_events")
    async def events(self, me: Me, code: FromPath[str], page: FromQuery[int] = 1) -> Template:
        where = await visible_places(code, me)
        found = await queries.accepted_events(where.merged_into(code), page)
        return Template(
            "reporting/municipality/events.html",
            context={
                "municipality": _municipality(code, where),
                "found": found,
                "kinds": dict(event_kinds()),
                "bands": band_labels(),
                "link": _pager(f"/municipality/{code}/events", found),
            },
            headers=PRIVATE,
        )

    @get("/{code:str}/coverage", name="municipality_coverage")
    async def coverage(self, me: Me, code: FromPath[str]) -> Template:
        where = await visible_places(code, me)
        today = riga_today()
        first, last = queries.school_year(today)
        return Template(
            "reporting/municipality/coverage.html",
            context={
                "municipality": _municipality(code, where),
                "schools": await queries.uncovered_schools(where.merged_into(code), today),
                "first": first,
                "last": last,
            },
            headers=PRIVATE,
        )

    async def _photo(self, me: Principal, code: str, photo_id: int) -> dict[str, Any]:
        where = await visible_places(code, me)
        row = await queries.consented_photo(where.merged_into(code), photo_id)
        if row is None:
            raise NotFound
        return row

    @get("/{code:str}/photos/{photo_id:int}", name="municipality_photo")
    async def photo(self, me: Me, code: FromPath[str], photo_id: PathId) -> Response[Any]:
        """A consented photo of an accepted event in the municipality's schools, as a download."""
        row = await self._photo(me, code, photo_id)
        return await download_response(row["storage_key"], row["filename"], row["content_type"])

    @get("/{code:str}/photos/{photo_id:int}/thumbnail", name="municipality_photo_thumbnail")
    async def thumbnail(self, me: Me, code: FromPath[str], photo_id: PathId) -> Response[Any]:
        """Its thumbnail, streamed by the app (the pages' CSP takes images from this site only)."""
        return await thumbnail_response(await self._photo(me, code, photo_id))

    async def _follow_page(self, me: Principal, code: str, where: Places, **extra: Any) -> Template:
        municipality_id = await municipality_id_of_code(code)
        assert municipality_id is not None  # visible_places found the code
        return Template(
            "reporting/municipality/follow.html",
            context={
                "municipality": _municipality(code, where),
                "feed_made_at": await queries.feed_made_at(me.user_id, municipality_id),
                "digest": await queries.digest_on(me.user_id) if me.municipalities else None,
                "feed_url": None,
                "confirm": False,
                **extra,
            },
            headers=PRIVATE,
        )

    @get("/{code:str}/follow", name="municipality_follow")
    async def follow_page(self, me: Me, code: FromPath[str], done: FromQuery[str | None] = None) -> Template:
        where = await visible_places(code, me)
        return await self._follow_page(me, code, where, done=done if done in ("on", "off") else None)

    @get("/{code:str}/calendar/new", name="municipality_calendar_confirm")
    async def calendar_confirm(self, me: Me, code: FromPath[str]) -> Template:
        """Before a new link replaces the old one: the old address stops working."""
        where = await visible_places(code, me)
        return await self._follow_page(me, code, where, confirm=True)

    @post("/{code:str}/calendar", name="municipality_calendar", status_code=HTTP_200_OK)
    async def calendar_link(self, me: Me, code: FromPath[str], data: Form) -> Template:
        """A new secret calendar link, shown once; with one already made, only once confirmed."""
        where = await visible_places(code, me)
        municipality_id = await municipality_id_of_code(code)
        assert municipality_id is not None
        if await queries.feed_made_at(me.user_id, municipality_id) and data.get("replace") != "yes":
            return await self._follow_page(me, code, where, confirm=True)
        token = await follow.replace_feed(me, municipality_id)
        base = get_settings().base_url.rstrip("/")
        return await self._follow_page(me, code, where, feed_url=f"{base}/calendar/{token}{FEED_SUFFIX}")

    @post("/{code:str}/digest", name="municipality_digest", status_code=HTTP_303_SEE_OTHER)
    async def digest(self, me: Me, code: FromPath[str], data: Form) -> Redirect:
        """The weekly digest on or off: a coordinator's, of all their municipalities."""
        await visible_places(code, me)
        if not me.municipalities:
            raise PermissionDeniedException(_("The weekly digest is for the municipality's coordinators."))
        wanted = data.get("digest") == "on"
        await follow.set_digest(me, wanted)
        return Redirect(f"/municipality/{code}/follow?done={'on' if wanted else 'off'}", status_code=303)


def _may_follow(principal: Principal | None, code: str, municipality_id: int, where: Places) -> bool:
    """Whether a calendar link's owner may still see its municipality: an active user who is still
    its coordinator (or of the one it merged into), or staff whose scope takes it in."""
    if principal is None:
        return False
    if {code, where.today(code)} & principal.municipalities:
        return True
    return principal.covers(municipality_id)


class CalendarFeedPages(Controller):
    path = "/calendar"
    guards = [public]
    include_in_schema = False

    @get("/{token:str}", name="calendar_feed")
    async def feed(self, token: FromPath[str]) -> Response[bytes]:
        """The municipality's events as iCalendar, for the link's token; 404 for any other."""
        if not token.endswith(FEED_SUFFIX):
            raise NotFound
        found = await queries.feed_by_token(token.removesuffix(FEED_SUFFIX))
        if found is None:
            raise NotFound
        owner, where = await load_principal(found["user"]), await places()
        if not _may_follow(owner, found["code"], found["municipality"], where):
            raise NotFound
        events = await queries.feed_events(where.merged_into(found["code"]))
        body = calendar_bytes(where.name(found["code"]), events, now())
        return Response(
            body,
            media_type="text/calendar",
            headers={
                "Cache-Control": "no-store",
                "Content-Disposition": f'inline; filename="{found["code"]}.ics"',
            },
        )
