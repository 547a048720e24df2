"""Latvian for the piccolo-admin user interface, which ships without it.

piccolo-admin translates its Vue UI from a mapping of its English phrases to
the target language. `LATVIAN` covers every phrase of piccolo-admin's own
English translation (a test can compare the keys after an upgrade), and
`TRANSLATIONS` is what the panel offers: Latvian first, English second, as on
the rest of the site.

Some phrases are pieces the UI glues to numbers and names ("Showing" 20 "of"
135 "result(s)", 5 "selected result(s) on" "page" 2, "Welcome to" Grants), so
their Latvian is chosen to read well in those sentences.
"""

from __future__ import annotations

from piccolo_admin.translations.data import ENGLISH
from piccolo_admin.translations.models import Translation

LATVIAN = Translation(
    language_code="lv",
    language_name="Latviešu",
    translations={
        "About": "Par",
        "Add Row": "Pievienot rindu",
        "Add": "Pievienot",
        "Apply": "Lietot",
        "Ascending": "Augošā secībā",
        "Back to home page": "Atpakaļ uz sākumlapu",
        "Back": "Atpakaļ",
        "Change Password": "Mainīt paroli",
        "Clear filters": "Notīrīt filtrus",
        "Close": "Aizvērt",
        "Comma": "Komats",
        "Create": "Izveidot",
        "Current password": "Pašreizējā parole",
        "Dark Mode": "Tumšais režīms",
        "Days": "Dienas",
        "Delete": "Dzēst",
        "Delimiter": "Atdalītājs",
        "Descending": "Dilstošā secībā",
        "Download": "Lejupielādēt",
        "Download failed": "Lejupielāde neizdevās",
        "Download successful": "Lejupielāde izdevās",
        "Edit": "Rediģēt",
        "Export CSV": "Eksportēt CSV",
        "Filter": "Filtrēšana",
        "For timestamps which are timezone aware, they will be displayed in this timezone by default.": (
            "Laikspiedoli ar laika joslas informāciju pēc noklusējuma tiek rādīti šajā laika joslā."
        ),
        "Form submitted": "Veidlapa iesniegta",
        "Forms": "Veidlapas",
        "Hide Filters": "Slēpt filtrus",
        "Hide referencing tables": "Slēpt saistītās tabulas",
        "Home": "Sākums",
        "Hours": "Stundas",
        "Light Mode": "Gaišais režīms",
        "Links": "Saites",
        "Loading": "Ielādē",
        "Log Out": "Iziet",
        "Login": "Pieslēgties",
        "MFA Code": "MFA kods",
        "MFA Setup": "MFA iestatīšana",
        "Minutes": "Minūtes",
        "New password confirmation": "Jaunā parole atkārtoti",
        "New password": "Jaunā parole",
        "New value": "Jaunā vērtība",
        "No results found": "Nekas nav atrasts",
        "Note: Large data sets may take a while.": "Piezīme: lielu datu kopu apstrāde var aizņemt kādu laiku.",
        "Note: They are converted to UTC when stored in the database.": (
            "Piezīme: saglabājot datubāzē, tie tiek pārveidoti uz UTC."
        ),
        "of": "no",
        "page": "lapā",
        "Password": "Parole",
        "result(s)": "ierakstiem",
        "rows": "rindas",
        "Save": "Saglabāt",
        "Seconds": "Sekundes",
        "Select a column to update": "Izvēlieties kolonnu, ko atjaunināt",
        "Select a Column": "Izvēlieties kolonnu",
        "Select a table in the sidebar to get started.": "Lai sāktu darbu, sānjoslā izvēlieties tabulu.",
        "selected result(s) on": "atlasīti ieraksti",
        "Semicolon": "Semikols",
        "Set Timezone": "Iestatīt laika joslu",
        "Show Filters": "Rādīt filtrus",
        "Show referencing tables": "Rādīt saistītās tabulas",
        "Showing": "Rādīti",
        "Sort by": "Kārtot pēc",
        "Sort": "Kārtot",
        "Submit": "Iesniegt",
        "Tables": "Tabulas",
        "Timezone": "Laika josla",
        "Thanks for using Piccolo Admin.": "Paldies, ka izmantojat Piccolo Admin.",
        "Update": "Atjaunināt",
        "Use again": "Izmantot vēlreiz",
        "Username": "Lietotājvārds",
        "Version": "Versija",
        "Weeks": "Nedēļas",
        "Welcome to": "Laipni lūdzam sistēmā",
        "with a matching": "ar atbilstošu",
    },
)

TRANSLATIONS = [LATVIAN, ENGLISH]
