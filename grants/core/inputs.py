"""Input refused before any handler reads it: the NUL character, JSON nested too deeply, and text
longer than the column it goes to.

Lengths: every text of a request Struct is typed `text_of(Table.column)`, so its bound is the
column's own (a Varchar's length; a Text column's is TEXT_MAX) and cannot drift from the tables.
msgspec checks it while decoding, before any handler or service runs: an over-long text is a 400
in the API's error shape naming the field, never a database error (PostgreSQL refuses a varchar's
overflow, a 500; SQLite would store it). Texts that are no column (a decimal amount, a date typed
as text, a password) have bounds of their own below.

PostgreSQL cannot store U+0000 in a text column and fails the whole query (a 500), while SQLite
stores it; no name, title or answer ever needs one. So a request with a NUL in its path, its
query string, a JSON body or a form's text (URL-encoded, or multipart where the handler takes the
whole form) is refused with a 400 before any handler reads it, on both databases alike. An upload
route's multipart body is streamed to storage and not looked at here.

A JSON body is decoded here, once (Litestar keeps the decoded value for the handler). msgspec decodes
recursively and stops with a RecursionError where the interpreter's recursion limit is reached (some
900 levels below the hook); Litestar turns only msgspec's DecodeError into a 400, so 100,000 `[`
were a 500 on every JSON route. Here they are a 400, in the API's error shape. A body that is not
JSON at all is left to the handler, which answers as it always did (a 400 where it reads JSON).
A handler that takes JSON `data` decodes its body as JSON whatever the Content-Type says (a form's
or a multipart one included), so for those routes the body is checked here whatever it claims to be.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Union

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import SerializationException, ValidationException

from grants.core.errors import ValidationFailed
from grants.core.i18n import _

# The bound of a Text column's input: the longest text any service takes (each text of the final
# report, reporting.rules.TEXT_LIMIT); the services hold most texts to less, with their own message.
TEXT_MAX = 20_000
# A decimal amount ("4600.00"), a number or a date typed as text: far more than any valid one.
NUMBER_MAX = 32
# A password: piccolo's BaseUser takes no longer one (accounts.rules says so in words).
PASSWORD_MAX = 128


def bounded(length: int) -> Any:
    """A request's text of at most `length` characters."""
    return Annotated[str, msgspec.Meta(max_length=length)]


def text_of(*columns: Any) -> Any:
    """A request's text bound by the column(s) it is stored in: the shortest Varchar's length, or
    TEXT_MAX for Text columns."""
    lengths = [getattr(column, "length", None) or TEXT_MAX for column in columns]
    return bounded(min(lengths))


def max_length_of(text: Any) -> int:
    return next(meta.max_length for meta in text.__metadata__ if isinstance(meta, msgspec.Meta))


def either(text: Any, *others: Any) -> Any:
    """A bounded text or one of the other types (UnsetType: a field a PATCH may leave out; int).

    msgspec checks the text's bound inside the union all the same; Litestar's schema shows a bound
    only on a plain or optional type, so the union carries it for the OpenAPI schema too (where
    `maxLength` beside `oneOf` holds for the text arm: it applies to strings only)."""
    union = Union[(text, *others)]  # noqa: UP007 - built from a tuple of types
    schema = {"extra": {"maxLength": max_length_of(text)}}
    return Annotated[union, msgspec.Meta(extra_json_schema=schema)]


def texts_by(key: Any, text: Any) -> Any:
    """A map of bounded texts (by a bounded key); the schema shows the texts' bound, as above."""
    schema = {"extra": {"additionalProperties": {"type": "string", "maxLength": max_length_of(text)}}}
    return Annotated[dict[key, text], msgspec.Meta(extra_json_schema=schema)]


def _text_bound(kind: Any) -> int | None:
    """The max length of a text (msgspec.inspect's type of a field), if the field is one."""
    if isinstance(kind, msgspec.inspect.Metadata):
        kind = kind.type
    if isinstance(kind, msgspec.inspect.UnionType):
        return next((b for t in kind.types if (b := _text_bound(t)) is not None), None)
    return kind.max_length if isinstance(kind, msgspec.inspect.StrType) else None


def check_texts(values: Mapping[str, Any], schema: type[msgspec.Struct], at: str = "") -> dict[str, str]:
    """A page form's texts against the bounds of the API's request Struct for the same input, so the
    pages and the API refuse the same lengths; `values` as the service takes them (a nested Struct's
    fields in a nested dict). The errors by field (dotted: "organisation.name"), as a service's."""
    errors: dict[str, str] = {}
    for field in msgspec.inspect.type_info(schema).fields:  # type: ignore[attr-defined]
        value = values.get(field.name)
        if isinstance(field.type, msgspec.inspect.StructType) and isinstance(value, Mapping):
            errors |= check_texts(value, field.type.cls, f"{at}{field.name}.")
        elif isinstance(value, str) and (limit := _text_bound(field.type)) is not None and len(value) > limit:
            errors[f"{at}{field.name}"] = _("At most {n} characters.").format(n=limit)
    return errors


def refuse_long_texts(values: Mapping[str, Any], schema: type[msgspec.Struct]) -> None:
    """check_texts, raising the service's error: the page shows it as any other refusal."""
    if errors := check_texts(values, schema):
        raise ValidationFailed(errors)


Number = bounded(NUMBER_MAX)
Password = bounded(PASSWORD_MAX)

# The JSON escape \u0000, unless its backslash is itself escaped (the text "\\u0000").
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_NUL = re.compile(rb"%00|\x00")


class UnreadableInput(ValidationException):
    """Refused before any handler read it (a 400): its detail is ours, in the user's language."""


def _refuse(where: str, message: str | None = None) -> ValidationException:
    message = message or _("Text must not contain the NUL character.")
    return UnreadableInput(message, extra={where: message})


async def refuse_unreadable_input(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook: runs after the guards, before the handler decodes anything. Refuses
    NUL characters, and JSON nested too deeply to decode."""
    if "\x00" in request.scope["path"]:
        raise _refuse("path")
    if _FORM_NUL.search(request.scope.get("query_string", b"")):
        raise _refuse("query")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return  # no handler reads a body on these: nothing to read on the hot path of every page
    if _takes_json(request):
        await _check_json(request)
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        if _takes_form(request):  # parsed for the handler anyway: its text parts are checked here
            form = await request.form()
            if any(_FORM_NUL.search(f"{key}={value}".encode()) for key, value in _texts(form)):
                raise _refuse("body")
        return  # an upload route streams its body: never read whole here
    # Read once; Litestar keeps the body for the handler. A body of any other type is decoded as JSON.
    body = await request.body()
    if content_type == "application/x-www-form-urlencoded":
        if _FORM_NUL.search(body):
            raise _refuse("body")
        return
    await _check_json(request)


_NOT_JSON = (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART, RequestEncodingType.MESSAGEPACK)


def _takes_json(request: Request[Any, Any, Any]) -> bool:
    """Whether the route's handler decodes its body as JSON: it has `data` of no other encoding.
    Litestar picks the decoder from the handler's signature, not from the request's Content-Type."""
    data = getattr(request.scope.get("route_handler"), "parsed_data_field", None)
    if data is None:
        return False
    return getattr(data.kwarg_definition, "media_type", None) not in _NOT_JSON


def _takes_form(request: Request[Any, Any, Any]) -> bool:
    """Whether the handler takes the whole form as `data` (a page's form, sent as multipart or not)."""
    data = getattr(request.scope.get("route_handler"), "parsed_data_field", None)
    media_type = getattr(data.kwarg_definition, "media_type", None) if data is not None else None
    return media_type in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART)


def _texts(form: Any) -> list[tuple[str, str]]:
    """The form's text parts (a file's bytes may hold anything)."""
    return [(key, value) for key, value in form.multi_items() if isinstance(value, str)]


async def _check_json(request: Request[Any, Any, Any]) -> None:
    body = await request.body()
    if JSON_NUL.search(body):
        raise _refuse("body")
    if body:
        await _decode_json(request)


async def _decode_json(request: Request[Any, Any, Any]) -> None:
    try:
        await request.json()  # kept on the connection: the handler's data is this decoded value
    except RecursionError:
        raise _refuse("body", _("The JSON is nested too deeply.")) from None
    except SerializationException:
        return  # not JSON: the handler answers as before, a 400 where it reads JSON
