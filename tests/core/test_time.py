from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from grants.core.time import RIGA, format_day, format_riga, now, parse_iso, riga_local, to_riga, to_utc

pytestmark = pytest.mark.unit

EEST = timezone(timedelta(hours=3))
EET = timezone(timedelta(hours=2))


def test_now_is_aware_utc():
    moment = now()
    assert moment.tzinfo is UTC
    assert abs(datetime.now(UTC) - moment) < timedelta(seconds=5)


def test_to_utc_refuses_naive():
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2026, 3, 1, 12, 0))


def test_to_utc_converts_an_offset_to_utc():
    result = to_utc(datetime(2026, 3, 1, 12, 0, tzinfo=EET))
    assert result == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)


def test_riga_local_summer_is_three_hours_ahead():
    result = riga_local(date(2026, 7, 15), 12, 30)
    assert result == datetime(2026, 7, 15, 9, 30, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)
    assert result.astimezone(RIGA).isoformat() == "2026-07-15T12:30:00+03:00"


def test_riga_local_winter_is_two_hours_ahead():
    result = riga_local(date(2026, 1, 15), 12, 30)
    assert result == datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    assert result.astimezone(RIGA).isoformat() == "2026-01-15T12:30:00+02:00"


def test_riga_local_midnight_defaults():
    assert riga_local(date(2026, 3, 1)) == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)


def test_riga_local_across_the_spring_change():
    # Clocks go forward on 2026-03-29 at 03:00 EET: the day before is +02:00, the day after +03:00.
    assert riga_local(date(2026, 3, 28), 23, 59) == datetime(2026, 3, 28, 21, 59, tzinfo=UTC)
    assert riga_local(date(2026, 3, 30), 23, 59) == datetime(2026, 3, 30, 20, 59, tzinfo=UTC)


def test_to_riga_shows_summer_and_winter_offsets():
    summer = to_riga(datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    winter = to_riga(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert summer.isoformat() == "2026-07-01T12:00:00+03:00"
    assert winter.isoformat() == "2026-12-01T11:00:00+02:00"


def test_to_riga_takes_naive_database_values_as_utc():
    assert to_riga(datetime(2026, 7, 1, 9, 0)).isoformat() == "2026-07-01T12:00:00+03:00"


def test_parse_iso_returns_aware_utc():
    result = parse_iso("2026-03-01T12:00:00+02:00")
    assert result == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)
    assert parse_iso("2026-07-01T12:00:00Z") == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_parse_iso_refuses_a_time_without_offset():
    with pytest.raises(ValueError, match="naive"):
        parse_iso("2026-03-01T12:00:00")


def test_parse_iso_refuses_text_that_is_not_a_time():
    with pytest.raises(ValueError):
        parse_iso("1. marts 2026")


def test_format_riga_in_latvian_uses_riga_wall_clock():
    assert format_riga(datetime(2026, 3, 1, 10, 0, tzinfo=UTC), "lv") == "2026. gada 1. marts 12:00"
    assert format_riga(datetime(2026, 7, 1, 9, 0, tzinfo=UTC), "lv") == "2026. gada 1. jūlijs 12:00"


def test_format_riga_defaults_to_latvian():
    assert format_riga(datetime(2026, 3, 1, 10, 0, tzinfo=UTC)) == "2026. gada 1. marts 12:00"


def test_format_riga_of_nothing_is_empty():
    assert format_riga(None) == ""


def test_format_day_in_latvian_and_english():
    assert format_day(date(2026, 3, 1)) == "2026. gada 1. marts"
    assert format_day(date(2026, 3, 1), "en") == "Mar 1, 2026"
    assert format_day(None) == ""
