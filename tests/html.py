"""Reading pages as a browser shows them: the text of an element, a form field's value or error, table
rows, links. Tests compare what they read with `==`, so a word elsewhere on the page cannot pass."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace: a no-break space stays as it is


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _root(html: str | Tag) -> Tag:
    return html if isinstance(html, Tag) else parse(html)


def text(element: Tag) -> str:
    """The element's text as shown: runs of HTML whitespace (and <br>) become one space, ends trimmed."""
    parts = []
    for node in element.descendants:
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            parts.append(str(node))
        elif node.name == "br":
            parts.append(" ")
    return " ".join(_SPACE.split("".join(parts))).strip()


def text_of(html: str | Tag, selector: str) -> str | None:
    """The text of the first element the CSS selector finds, or None if there is none."""
    found = _root(html).select_one(selector)
    return None if found is None else text(found)


def texts_of(html: str | Tag, selector: str) -> list[str]:
    """The text of every element the CSS selector finds, in page order."""
    return [text(found) for found in _root(html).select(selector)]


def attr_of(html: str | Tag, selector: str, name: str) -> str | None:
    """An attribute of the first element the selector finds (None if no element or no attribute)."""
    found = _root(html).select_one(selector)
    if found is None:
        return None
    value = found.get(name)
    return " ".join(value) if isinstance(value, list) else value


def attrs_of(html: str | Tag, selector: str, name: str) -> list[str]:
    """That attribute of every element the selector finds that has it."""
    values = []
    for found in _root(html).select(selector):
        value = found.get(name)
        if value is not None:
            values.append(" ".join(value) if isinstance(value, list) else value)
    return values


def links(html: str | Tag, selector: str = "a") -> list[str]:
    """The href of every link the selector finds."""
    return attrs_of(html, selector, "href")


def field_error(html: str | Tag, name: str) -> str | None:
    """The error shown under form field `name` (the macro's <p class="error" id="f-NAME-error">)."""
    return text_of(html, f'[id="f-{name}-error"]')


def input_value(html: str | Tag, name: str) -> str | None:
    """The value of the form's <input name=NAME> (the first one, as the browser submits it)."""
    found = _root(html).find("input", attrs={"name": name})
    return None if found is None else found.get("value", "")


def textarea_value(html: str | Tag, name: str) -> str | None:
    found = _root(html).find("textarea", attrs={"name": name})
    return None if found is None else found.get_text()


def selected_option(html: str | Tag, name: str) -> str | None:
    """The value of the selected option of <select name=NAME>, or None if none is selected."""
    select = _root(html).find("select", attrs={"name": name})
    if select is None:
        return None
    chosen = select.find("option", selected=True)
    return None if chosen is None else chosen.get("value", text(chosen))


def checked(html: str | Tag, name: str, value: str | None = None) -> bool:
    """Whether the checkbox or radio button `name` (with `value`, if given) is checked."""
    attrs = {"name": name} if value is None else {"name": name, "value": value}
    found = _root(html).find("input", attrs=attrs)
    return found is not None and found.has_attr("checked")


def table_rows(html: str | Tag, selector: str = "tbody tr") -> list[list[str]]:
    """The text of each cell of each row the selector finds (by default every table's body rows)."""
    return [[text(cell) for cell in row.find_all(["td", "th"])] for row in _root(html).select(selector)]


def notice(html: str | Tag) -> str | None:
    """The page's message to the user after an action (the role=status box)."""
    return text_of(html, '[role="status"]')


def error_summary(html: str | Tag) -> list[str]:
    """The problems listed in the form's error summary box (role=alert), in order."""
    return texts_of(html, ".error-summary li")


def definitions(html: str | Tag, selector: str = "dl") -> dict[str, str]:
    """Each <dt> of the description lists the selector finds, with the text of the <dd> after it."""
    found = {}
    for listing in _root(html).select(selector):
        for term in listing.find_all("dt"):
            value = term.find_next_sibling("dd")
            found[text(term)] = "" if value is None else text(value)
    return found


def form_actions(html: str | Tag) -> list[str]:
    """The action of every form on the page."""
    return attrs_of(html, "form", "action")


def caption_rows(html: str | Tag, caption: str) -> list[list[str]]:
    """The body rows of the table whose caption reads `caption`, as the text of their cells."""
    for table in _root(html).find_all("table"):
        title = table.find("caption")
        if title is not None and text(title) == caption:
            return table_rows(table)
    raise AssertionError(f"no table with the caption {caption!r}")
