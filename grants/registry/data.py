"""Latvia's municipalities since the 2021 reform, and the mergers we must resolve.

(code, name, short name, kind, valid_from, valid_to, successor code)
valid_to is exclusive: the first day the municipality no longer existed;
valid_from is None where it existed before the 2021 reform under the same code.
"""

from datetime import date

REFORM_2021 = date(2021, 7, 1)

STATE_CITIES = [
    ("LV-RIX", "Rīga", "RIX"),
    ("LV-DGV", "Daugavpils", "DGV"),
    ("LV-JEL", "Jelgava", "JEL"),
    ("LV-JUR", "Jūrmala", "JUR"),
    ("LV-LPX", "Liepāja", "LPX"),
    ("LV-REZ", "Rēzekne", "REZ"),
    ("LV-VEN", "Ventspils", "VEN"),
]

NOVADI = [
    ("LV-011", "Ādažu novads", "ADA"),
    ("LV-002", "Aizkraukles novads", "AIZ"),
    ("LV-007", "Alūksnes novads", "ALU"),
    ("LV-111", "Augšdaugavas novads", "AUG"),
    ("LV-015", "Balvu novads", "BAL"),
    ("LV-016", "Bauskas novads", "BAU"),
    ("LV-022", "Cēsu novads", "CES"),
    ("LV-112", "Dienvidkurzemes novads", "DKN"),
    ("LV-026", "Dobeles novads", "DOB"),
    ("LV-033", "Gulbenes novads", "GUL"),
    ("LV-041", "Jelgavas novads", "JNO"),
    ("LV-042", "Jēkabpils novads", "JEK"),
    ("LV-047", "Krāslavas novads", "KRA"),
    ("LV-050", "Kuldīgas novads", "KUL"),
    ("LV-052", "Ķekavas novads", "KEK"),
    ("LV-054", "Limbažu novads", "LIM"),
    ("LV-056", "Līvānu novads", "LIV"),
    ("LV-058", "Ludzas novads", "LUD"),
    ("LV-059", "Madonas novads", "MAD"),
    ("LV-062", "Mārupes novads", "MAR"),
    ("LV-067", "Ogres novads", "OGR"),
    ("LV-068", "Olaines novads", "OLA"),
    ("LV-073", "Preiļu novads", "PRE"),
    ("LV-077", "Rēzeknes novads", "RNO"),
    ("LV-080", "Ropažu novads", "ROP"),
    ("LV-087", "Salaspils novads", "SAL"),
    ("LV-088", "Saldus novads", "SLD"),
    ("LV-089", "Saulkrastu novads", "SAU"),
    ("LV-091", "Siguldas novads", "SIG"),
    ("LV-094", "Smiltenes novads", "SMI"),
    ("LV-097", "Talsu novads", "TAL"),
    ("LV-099", "Tukuma novads", "TUK"),
    ("LV-101", "Valkas novads", "VLK"),
    ("LV-113", "Valmieras novads", "VLM"),
    ("LV-106", "Ventspils novads", "VNO"),
]

# Municipalities that no longer exist, with the one that took them over.
FORMER = [
    ("LV-102", "Varakļānu novads", "VAR", None, date(2025, 7, 1), "LV-059"),
    ("LV-105", "Vecumnieku novads", "VEC", None, REFORM_2021, "LV-016"),
    ("LV-046", "Kokneses novads", "KOK", None, REFORM_2021, "LV-002"),
    ("LV-069", "Ozolnieku novads", "OZO", None, REFORM_2021, "LV-041"),
    ("LV-107", "Viesītes novads", "VIE", None, REFORM_2021, "LV-042"),
]


def all_municipalities() -> list[tuple[str, str, str, str, date | None, date | None, str | None]]:
    rows: list[tuple[str, str, str, str, date | None, date | None, str | None]] = []
    rows += [(c, n, s, "state_city", None, None, None) for c, n, s in STATE_CITIES]
    rows += [(c, n, s, "novads", REFORM_2021, None, None) for c, n, s in NOVADI]
    rows += [(c, n, s, "novads", f, t, succ) for c, n, s, f, t, succ in FORMER]
    return rows
