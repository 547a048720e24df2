"""Importing the school register from CSV: good rows load, bad rows are named by their line."""

from __future__ import annotations

from datetime import date

import pytest

from grants.registry.rules import ImportFileError
from grants.registry.service import import_schools
from grants.registry.tables import Municipality, School
from tests.factories.registry import registration_numbers, write_csv

# Reasons in English, whatever the translator has put into the Latvian catalogue.
pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("english")]


async def stored(numbers: list[str]) -> list[dict]:
    """The stored schools with these numbers, as plain rows with the municipality's code."""
    return await (
        School.select(
            School.registration_number,
            School.name,
            School.municipality.code.as_alias("municipality_code"),
            School.kind,
            School.pumpurs_since,
            School.pumpurs_until,
        )
        .where(School.registration_number.is_in(numbers))
        .order_by(School.registration_number)
    )


async def every_school() -> list[dict]:
    return await School.select().order_by(School.id)


def school(number: str, name: str, code: str, kind: str = "general", since=None, until=None) -> dict:
    return {
        "registration_number": number,
        "name": name,
        "municipality_code": code,
        "kind": kind,
        "pumpurs_since": since,
        "pumpurs_until": until,
    }


async def test_import_loads_good_rows_and_names_bad_lines(tmp_path, database):
    n = registration_numbers(4)
    path = write_csv(
        tmp_path / "schools.csv",
        [
            (n[0], "Misas pamatskola", "LV-016", "general", "2017-09-01", ""),  # line 2
            (n[1][:9], "Stelpes pamatskola", "LV-016", "general", "", ""),  # line 3: 9 digits
            (n[2], "Skaistkalnes vidusskola", "LV-016", "", "2018-01-01", ""),  # line 4
            (n[3], "Nezināma skola", "LV-999", "general", "", ""),  # line 5: unknown municipality
            (n[1], "Bauskas tehnikums", "lv-016", "vocational", "", "2026-06-30"),  # line 6
        ],
    )
    report = await import_schools(path)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.errors == [
        (3, f"registration_number must be 10 digits, not '{n[1][:9]}'"),
        (5, "unknown municipality_code 'LV-999'"),
    ]
    assert await stored(n) == [
        school(n[0], "Misas pamatskola", "LV-016", since=date(2017, 9, 1)),
        school(n[1], "Bauskas tehnikums", "LV-016", "vocational", until=date(2026, 6, 30)),
        school(n[2], "Skaistkalnes vidusskola", "LV-016", since=date(2018, 1, 1)),
    ]


async def test_import_reports_every_problem_of_a_row(tmp_path, database):
    n = registration_numbers(1)
    path = write_csv(
        tmp_path / "schools.csv",
        [
            ("43X", "", "LV-016", "private", "2019-02-30", ""),
            (n[0], "Laba skola", "LV-016", "general", "2020-09-01", "2019-08-31"),
        ],
    )
    report = await import_schools(path)
    assert report.errors == [
        (
            2,
            "registration_number must be 10 digits, not '43X'; name is empty; "
            "kind must be general, vocational or other, not 'private'; "
            "pumpurs_since is not a date YYYY-MM-DD: 2019-02-30",
        ),
        (3, "pumpurs_until is before pumpurs_since"),
    ]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert await stored(n) == []


async def test_import_again_changes_nothing(tmp_path, database):
    n = registration_numbers(3)
    path = write_csv(
        tmp_path / "schools.csv",
        [
            (n[0], "Ozolnieku vidusskola", "LV-041", "general", "2017-09-01", ""),
            (n[1], "Garozas pamatskola", "LV-041", "general", "2018-09-01", "2025-08-31"),
            ("123", "Slikta rinda", "LV-041", "general", "", ""),
            (n[2], "Salgales pamatskola", "LV-069", "other", "", ""),
        ],
    )
    first = await import_schools(path)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    before = await every_school()

    again = await import_schools(path)

    assert (again.created, again.updated, again.unchanged, again.loaded) == (0, 0, 3, 3)
    assert again.errors == first.errors == [(4, "registration_number must be 10 digits, not '123'")]
    assert await every_school() == before


async def test_import_changed_name_updates_that_row_only(tmp_path, database):
    n = registration_numbers(3)
    rows = [
        (n[0], "Bebru pamatskola", "LV-002", "general", "2018-01-01", ""),
        (n[1], "Kokneses pamatskola", "LV-046", "general", "2018-01-01", ""),
        (n[2], "Pērses sākumskola", "LV-002", "general", "2019-09-01", ""),
    ]
    await import_schools(write_csv(tmp_path / "first.csv", rows))
    before = await every_school()

    rows[1] = (n[1], "Kokneses pamatskola-attīstības centrs", "LV-046", "general", "2018-01-01", "")
    report = await import_schools(write_csv(tmp_path / "second.csv", rows))

    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 1, 2, [])
    expected = [
        {**row, "name": "Kokneses pamatskola-attīstības centrs"}
        if row["registration_number"] == n[1]
        else row
        for row in before
    ]
    assert await every_school() == expected


async def test_import_changed_municipality_moves_the_school(tmp_path, database):
    n = registration_numbers(1)
    await import_schools(
        write_csv(tmp_path / "a.csv", [(n[0], "Viesītes vidusskola", "LV-107", "general", "", "")])
    )
    report = await import_schools(
        write_csv(tmp_path / "b.csv", [(n[0], "Viesītes vidusskola", "LV-042", "general", "", "")])
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert await stored(n) == [school(n[0], "Viesītes vidusskola", "LV-042")]


async def test_import_duplicate_number_in_one_file_names_both_lines(tmp_path, database):
    n = registration_numbers(2)
    path = write_csv(
        tmp_path / "schools.csv",
        [
            (n[0], "Misas pamatskola", "LV-016", "general", "", ""),  # line 2
            (n[1], "Stelpes pamatskola", "LV-016", "general", "", ""),  # line 3
            (n[0], "Misas sākumskola", "LV-016", "general", "", ""),  # line 4
        ],
    )
    report = await import_schools(path)
    assert report.errors == [(4, f"registration_number {n[0]} repeats line 2")]
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert await stored(n) == [
        school(n[0], "Misas pamatskola", "LV-016"),
        school(n[1], "Stelpes pamatskola", "LV-016"),
    ]


async def test_import_semicolon_separated_file(tmp_path, database):
    n = registration_numbers(2)
    path = write_csv(
        tmp_path / "schools.csv",
        [
            (n[0], "Bauskas Valsts ģimnāzija, filiāle", "LV-016", "general", "2017-09-01", ""),
            (n[1], "Misas pamatskola", "LV-016", "general", "", ""),
        ],
        delimiter=";",
    )
    report = await import_schools(path)
    assert (report.created, report.errors) == (2, [])
    assert await stored(n) == [
        school(n[0], "Bauskas Valsts ģimnāzija, filiāle", "LV-016", since=date(2017, 9, 1)),
        school(n[1], "Misas pamatskola", "LV-016"),
    ]


async def test_import_spreadsheet_export_with_bom_and_blank_lines(tmp_path, database):
    n = registration_numbers(2)
    path = tmp_path / "schools.csv"
    path.write_text(
        "\ufeffregistration_number;name;municipality_code\r\n"
        f"{n[0]};Skaistkalnes vidusskola;LV-016\r\n"
        "\r\n"
        "12345;Slikta skola;LV-016\r\n"
        f"{n[1]};Stelpes pamatskola;LV-016\r\n",
        encoding="utf-8",
    )
    report = await import_schools(path)
    assert report.errors == [(4, "registration_number must be 10 digits, not '12345'")]
    assert await stored(n) == [
        school(n[0], "Skaistkalnes vidusskola", "LV-016"),
        school(n[1], "Stelpes pamatskola", "LV-016"),
    ]


async def test_import_names_the_first_line_of_a_record_spanning_lines(tmp_path, database):
    n = registration_numbers(2)
    path = tmp_path / "schools.csv"
    path.write_text(
        "registration_number,name,municipality_code\n"  # line 1
        f'{n[0]},"Misas pamatskola\n(filiāle)",LV-016\n'  # lines 2–3
        '4312,"Slikta\nskola",LV-016\n'  # lines 4–5: the person looks for line 4
        f"{n[1]},Stelpes pamatskola,LV-998\n",  # line 6
        encoding="utf-8",
    )
    report = await import_schools(path)
    assert report.errors == [
        (4, "registration_number must be 10 digits, not '4312'"),
        (6, "unknown municipality_code 'LV-998'"),
    ]
    assert await stored(n) == [school(n[0], "Misas pamatskola\n(filiāle)", "LV-016")]


async def test_import_quoted_names_keep_their_quotes_anywhere_in_a_long_file(tmp_path, database):
    # Quoted names without inner quotes fill the first lines; a name with "" comes after 4 KB.
    n = registration_numbers(301)
    lines = ["registration_number,name,municipality_code"]
    lines += [f'{number},"Skola Nr. {i}",LV-016' for i, number in enumerate(n[:-1])]
    lines.append(f'{n[-1]},"Bauskas ""Zīles"" pamatskola, filiāle",LV-016')
    path = tmp_path / "schools.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(path.read_bytes()) > 8192

    report = await import_schools(path)

    assert (report.created, report.errors) == (301, [])
    assert await stored(n[-1:]) == [school(n[-1], 'Bauskas "Zīles" pamatskola, filiāle', "LV-016")]


async def test_import_refuses_registration_number_in_other_digits(tmp_path, database):
    path = write_csv(tmp_path / "schools.csv", [("٤٣١٢٩٠٠١٠١", "Skola", "LV-016", "general", "", "")])
    report = await import_schools(path)
    assert report.errors == [(2, "registration_number must be 10 digits, not '٤٣١٢٩٠٠١٠١'")]
    assert await School.count().where(School.registration_number == "٤٣١٢٩٠٠١٠١") == 0


async def test_import_in_small_batches_loads_everything(tmp_path, database):
    n = registration_numbers(7)
    rows = [(number, f"Skola {i}", "LV-088", "general", "", "") for i, number in enumerate(n)]
    rows.insert(3, ("999", "Slikta", "LV-088", "general", "", ""))
    seen: list[int] = []
    report = await import_schools(write_csv(tmp_path / "s.csv", rows), seen.append, batch_size=2)
    assert (report.created, report.errors) == (7, [(5, "registration_number must be 10 digits, not '999'")])
    assert sum(seen) == 8
    assert [row["registration_number"] for row in await stored(n)] == n


async def test_import_missing_required_column_is_refused(tmp_path, database):
    n = registration_numbers(1)
    path = write_csv(
        tmp_path / "schools.csv",
        [(n[0], "Misas pamatskola", "general")],
        header=("registration_number", "name", "kind"),
    )
    with pytest.raises(ImportFileError) as info:
        await import_schools(path)
    assert str(info.value) == "The file lacks the columns: municipality_code"
    assert await stored(n) == []


async def test_import_every_required_column_missing_is_named(tmp_path, database):
    path = write_csv(tmp_path / "schools.csv", [("a", "b")], header=("numurs", "nosaukums"))
    with pytest.raises(ImportFileError) as info:
        await import_schools(path)
    assert str(info.value) == "The file lacks the columns: registration_number, name, municipality_code"


async def test_import_empty_file_is_refused(tmp_path, database):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ImportFileError):
        await import_schools(path)


async def test_import_school_of_former_municipality_keeps_its_code(tmp_path, database):
    """The register row stays as given; listings resolve it to today's municipality."""
    n = registration_numbers(1)
    await import_schools(
        write_csv(tmp_path / "s.csv", [(n[0], "Varakļānu vidusskola", "LV-102", "general", "", "")])
    )
    assert await stored(n) == [school(n[0], "Varakļānu vidusskola", "LV-102")]
    madona = await Municipality.select(Municipality.code).where(Municipality.code == "LV-059")
    assert madona == [{"code": "LV-059"}]
