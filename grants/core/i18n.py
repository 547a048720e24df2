"""gettext with Babel: Latvian by default, English second.

Catalogues are the .po files under locales/, compiled in memory at start-up
(no build step to forget). The language of a request comes from the `lang`
cookie, then Accept-Language, then Latvian; it lives in a context variable so
services and templates translate without passing it around.
"""

from __future__ import annotations

import io
import unicodedata
from contextvars import ContextVar
from functools import cache, lru_cache
from gettext import NullTranslations

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from litestar.types import ASGIApp, Receive, Scope, Send

from grants.settings import PROJECT_ROOT

LANGUAGES = {"lv": "Latviešu", "en": "English"}
DEFAULT_LANGUAGE = "lv"
LANG_COOKIE = "lang"
LOCALES_DIR = PROJECT_ROOT / "locales"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


@cache
def catalogue(language: str) -> NullTranslations:
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def get_language() -> str:
    return _language.get()


def set_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def gettext(message: str) -> str:
    return catalogue(get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(get_language()).ngettext(singular, plural, n)


_ = gettext


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    offers: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        code, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code.strip().lower()[:2] in LANGUAGES and quality > 0:
            offers.append((-quality, position, code.strip().lower()[:2]))
    return min(offers)[2] if offers else DEFAULT_LANGUAGE


class LanguageMiddleware:
    """Sets the request's language before anything renders or validates."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            cookie = None
            accept = None
            for name, value in scope.get("headers", []):
                if name == b"cookie":
                    for item in value.decode("latin-1").split(";"):
                        key, _, val = item.strip().partition("=")
                        if key == LANG_COOKIE:
                            cookie = val
                elif name == b"accept-language":
                    accept = value.decode("latin-1")
            set_language(negotiate(cookie, accept))
        await self.app(scope, receive, send)


# Letters with a caron or cedilla are letters of their own in Latvian (č after c);
# long vowels (ā, ē, ī, ū) sort with their short vowel and only break ties (CLDR "lv").
_OWN_LETTERS = set("čģķļņšž")


@lru_cache(maxsize=8192)  # names repeat on every page that sorts them; a key is pure
def sort_key(text: str) -> tuple[tuple[tuple[str, int], ...], tuple[int, ...]]:
    """Latvian alphabetical order, not byte order (where Ā would follow Z)."""
    primary: list[tuple[str, int]] = []
    secondary: list[int] = []
    for char in text.casefold():
        base = unicodedata.normalize("NFD", char)[0]
        primary.append((base, 1 if char in _OWN_LETTERS else 0))
        secondary.append(0 if char == base or char in _OWN_LETTERS else 1)
    return tuple(primary), tuple(secondary)
