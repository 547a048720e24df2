"""The Data section's page: piccolo-admin's index.html and script, in the site's name, language and colours.

The page (GET /admin/data/) gets the request's language, the site's name as its title, the site's
colours (static/css/panel.css, after piccolo's stylesheet) and a small script (static/js/panel.js)
with the table labels in the request's language (a JSON block it reads, no inline script).

piccolo-admin's script names a table by its database name wherever it shows one, defaults the time
zone of a time field to UTC, and keeps its language choice to itself. Its bundle is served here with
a few exact replacements: table names through the labels, Europe/Riga as the default time zone, and
the language picker going through the site's language switch. Each replacement must match exactly
once, checked at import: a piccolo-admin upgrade that moves them fails the start, not the reader.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re

from piccolo_admin.endpoints import ASSET_PATH
from starlette.types import Send

from admin.labels import SITE_NAME, TABLES
from grants.core.i18n import get_language, gettext

_LABEL = "window.grantsTableLabel"
# (piccolo-admin 1.14's minified code, what it becomes, how many times it occurs)
PATCHES = (
    # Headings of a table's list, add and edit pages.
    (
        'function Cb(e){return e.split("_").join(" ")}',
        f'function Cb(e){{return {_LABEL}?{_LABEL}(e):e.split("_").join(" ")}}',
        1,
    ),
    # The sidebar's table links.
    (
        'readableTableName(){return this.tableName.split("_").join(" ")}',
        "readableTableName(){return Cb(this.tableName)}",
        1,
    ),
    # A foreign key's search dialog ("Select a row from …").
    (
        'readableTableName(){return this.tableName?KL(this.tableName.split("_").join(" ")):""}',
        'readableTableName(){return this.tableName?Cb(this.tableName):""}',
        1,
    ),
    # The referencing tables of a row.
    ('t0("span",l9,M0(s.tableName),1)', 't0("span",l9,M0(Cb(s.tableName)),1)', 1),
    # A time field's zone, until the user picks one.
    ('localStorage.getItem(Gs)??"UTC"', 'localStorage.getItem(Gs)??"Europe/Riga"', 2),
    # The language picker: the site's language switch remembers the choice.
    (
        "LO.setDefaultLanguage(t),",
        "LO.setDefaultLanguage(t),window.grantsLanguageChosen&&window.grantsLanguageChosen(t),",
        1,
    ),
)

with open(os.path.join(ASSET_PATH, "index.html"), encoding="utf-8") as _file:
    INDEX = _file.read()
_BUNDLE = re.search(r'<script type="module" crossorigin src="\./(assets/[^"]+\.js)"></script>', INDEX)
if _BUNDLE is None:
    raise RuntimeError("piccolo-admin's index.html no longer loads one script bundle: see admin/page.py")
BUNDLE_PATH = "/" + _BUNDLE[1]  # below the mount, as the Data section's requests see it


def _patched_bundle() -> bytes:
    with open(os.path.join(ASSET_PATH, _BUNDLE[1]), encoding="utf-8") as file:
        code = file.read()
    for old, new, count in PATCHES:
        if code.count(old) != count:
            raise RuntimeError(f"piccolo-admin's bundle changed: {old!r} found {code.count(old)} times")
        code = code.replace(old, new)
    return code.encode()


BUNDLE = _patched_bundle()
# The patched bundle under its own address, so that no cache hands back piccolo's original.
_VERSION = hashlib.sha256(BUNDLE).hexdigest()[:12]


async def answer_bundle(send: Send) -> None:
    headers = [
        (b"content-type", b"text/javascript; charset=utf-8"),
        (b"content-length", str(len(BUNDLE)).encode()),
        (b"cache-control", b"public, max-age=31536000, immutable"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BUNDLE})


def page_data() -> dict[str, object]:
    """What static/js/panel.js reads: the table labels and the language of this request."""
    return {
        "language": get_language(),
        "tables": {table: gettext(label) for table, label in TABLES.items()},
        "switch_language": "/lang/",
        "home": "/admin/data/",
        # Names for piccolo-admin's unnamed controls (its markup has none; panel.js adds them).
        "names": {
            "select_all": gettext("Select every row on this page"),
            "select_row": gettext("Select this row"),
            "page_number": gettext("Page number"),
            "page_size": gettext("Rows per page"),
            "previous": gettext("Previous page"),
            "next": gettext("Next page"),
            "row_actions": gettext("Actions for this row"),
        },
    }


def readable_page(body: bytes) -> bytes:
    text = body.decode()
    data = json.dumps(page_data(), ensure_ascii=False).replace("<", "\\u003c")
    title = f"{gettext('Data')} · {gettext(SITE_NAME)}"
    head = (
        '  <link rel="stylesheet" href="/static/css/panel.css">\n'
        f'  <script type="application/json" id="grants-panel">{data}</script>\n'
        '  <script src="/static/js/panel.js"></script>\n'
        "</head>"
    )
    replacements = (
        ('<html lang="en">', f'<html lang="{get_language()}">'),
        ("<title>Piccolo Admin</title>", f"<title>{html.escape(title)}</title>"),
        (f'src="./{_BUNDLE[1]}"', f'src="./{_BUNDLE[1]}?v={_VERSION}"'),
        (
            "We're sorry but the Piccolo Admin doesn't work properly without JavaScript enabled.",
            html.escape(gettext("The Data section needs JavaScript: turn it on in your browser.")),
        ),
        ("</head>", head),
    )
    for old, new in replacements:
        text = text.replace(old, new, 1)
    return text.encode()
