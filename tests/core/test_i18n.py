import pytest

from grants.core.i18n import DEFAULT_LANGUAGE, catalogue, get_language, negotiate, ngettext, set_language

pytestmark = pytest.mark.unit

SINGULAR = "%(num)d school"
PLURAL = "%(num)d schools"


def schools(n: int) -> str:
    return ngettext(SINGULAR, PLURAL, n) % {"num": n}


@pytest.fixture
def latvian():
    set_language("lv")
    yield
    set_language(DEFAULT_LANGUAGE)


def test_latvian_plural_rule_picks_three_forms():
    # Latvian: one for 1, 21, 31 … (not 11); many for 2–20, 22 …; a third form for zero.
    rule = catalogue("lv").plural
    assert [rule(n) for n in (0, 1, 2, 10, 11, 21, 22, 101, 111)] == [2, 0, 1, 1, 1, 0, 1, 0, 1]


def test_ngettext_latvian_plural_forms(latvian):
    assert [schools(n) for n in (0, 1, 2, 11, 21)] == [
        "0 skolu",
        "1 skola",
        "2 skolas",
        "11 skolas",
        "21 skola",
    ]


def test_ngettext_english_plural_forms(english):
    assert [schools(n) for n in (0, 1, 2, 11, 21)] == [
        "0 schools",
        "1 school",
        "2 schools",
        "11 schools",
        "21 schools",
    ]


def test_set_language_unknown_falls_back_to_latvian(english):
    set_language("de")
    assert get_language() == "lv"


def test_negotiate_cookie_wins_over_accept_language():
    assert negotiate("en", "lv-LV,lv;q=0.9") == "en"
    assert negotiate("lv", "en-GB,en;q=0.9") == "lv"


def test_negotiate_unknown_cookie_is_ignored():
    assert negotiate("de", "en-GB,en;q=0.9") == "en"


def test_negotiate_accept_language_first_known_language():
    assert negotiate(None, "en-GB,en;q=0.9") == "en"
    assert negotiate(None, "de-DE,de;q=0.9,en;q=0.8,lv;q=0.7") == "en"
    assert negotiate(None, "EN-us") == "en"


def test_negotiate_defaults_to_latvian():
    assert negotiate(None, None) == "lv"
    assert negotiate(None, "") == "lv"
    assert negotiate("", "de-DE,fr;q=0.5,*;q=0.1") == "lv"


def test_negotiate_follows_quality_values_not_only_order():
    assert negotiate(None, "lv;q=0.1, en;q=0.9") == "en"
    assert negotiate(None, "de, en;q=0.5, lv;q=0.4") == "en"
    assert negotiate(None, "en;q=0, lv;q=0.2") == "lv"
    assert negotiate(None, "en;q=0") == "lv"
