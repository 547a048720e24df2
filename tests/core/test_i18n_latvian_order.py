import pytest

from grants.core.i18n import sort_key

pytestmark = pytest.mark.unit


def test_sort_key_long_vowels_sort_with_their_short_vowel():
    names = ["Augšdaugavas novads", "Aizkraukles novads", "Ādažu novads", "Alūksnes novads"]
    assert sorted(names, key=sort_key) == [
        "Ādažu novads",
        "Aizkraukles novads",
        "Alūksnes novads",
        "Augšdaugavas novads",
    ]


def test_sort_key_caron_and_cedilla_letters_follow_their_base_letter():
    words = ["žogs", "zīle", "čiekurs", "ciems", "ķirsis", "kuģis", "šūna", "sala"]
    assert sorted(words, key=sort_key) == [
        "ciems",
        "čiekurs",
        "kuģis",
        "ķirsis",
        "sala",
        "šūna",
        "zīle",
        "žogs",
    ]


def test_sort_key_ignores_case():
    assert sorted(["bauska", "Aizkraukle", "Cēsis"], key=sort_key) == ["Aizkraukle", "bauska", "Cēsis"]
