"""Times are aware datetimes: UTC in the database, Europe/Riga for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

RIGA = ZoneInfo("Europe/Riga")


def now() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)


def to_utc(moment: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: give a time zone offset")
    return moment.astimezone(UTC)


def from_db(moment: datetime) -> datetime:
    """A time read from an aware column, as aware UTC: Piccolo hands back naive UTC from SQLite."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def to_riga(moment: datetime) -> datetime:
    """The same moment on the clocks of Riga (EET/EEST)."""
    return from_db(moment).astimezone(RIGA)


def riga_today() -> date:
    """Today on the clocks of Riga: the calendar day that counts for due, paid and held dates."""
    return to_riga(now()).date()


def riga_local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Riga as an aware UTC datetime (DST handled by zoneinfo). ValueError for
    a moment whose UTC falls outside what a datetime holds (the first hours of the year 1)."""
    try:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=RIGA).astimezone(UTC)
    except OverflowError as exc:  # a ValueError, as for any other day that cannot be
        raise ValueError(f"{day.isoformat()} {hour:02d}:{minute:02d} in Riga is out of range") from exc


def parse_iso(value: str) -> datetime:
    """ISO 8601 with an offset ("2026-03-01T12:00:00+02:00") to aware UTC."""
    return to_utc(datetime.fromisoformat(value))


def format_riga(moment: datetime | None, locale: str = "lv") -> str:
    """A moment as Riga wall-clock text for pages: "2026. gada 1. marts 12:00", "March 1, 2026 12:00 PM"."""
    if moment is None:
        return ""
    local = to_riga(moment)
    return f"{format_date(local, 'long', locale=locale)} {format_time(local, 'short', tzinfo=RIGA, locale=locale)}"


def format_day(day: date | None, locale: str = "lv") -> str:
    if day is None:
        return ""
    return format_date(day, "medium", locale=locale)
