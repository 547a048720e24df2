"""How a page form ends: a redirect when the service took it, or the same form again with its errors.

A page handler reads the typed text, hands the service call to `submit_form` and says where to go
on success and how to draw the form again. Every refusal a service raises (bad input, a clash with
the state, a refused upload) becomes one `Refusal`, so no handler catches service errors itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any, TypeVar

from litestar.response import Redirect, Response

from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _
from grants.core.storage import StorageError
from grants.core.uploads import upload_refusal

T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    """Why a form was refused: messages by field, one for the whole form, and the status to answer;
    for a clash about one field (a Conflict with a `field`), its name."""

    status_code: int
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    field_name: str | None = None

    def on_field(self, name: str) -> dict[str, str]:
        """The refusal as one message next to one field (an upload form has only its file field)."""
        return {name: next(iter(self.errors.values()), self.message or "")}


def refusal_of(exc: ValidationFailed | Conflict | StorageError, file_field: str = "file") -> Refusal:
    """Bad input is 422 with its fields; a clash with the state 409 with its message; a refused
    upload the storage's message on the file field, with its status (413, 415 or 422)."""
    if isinstance(exc, ValidationFailed):
        return Refusal(422, dict(exc.errors), exc.message)
    if isinstance(exc, Conflict):
        return Refusal(409, {}, exc.message, exc.field)
    text, code = upload_refusal(exc)
    return Refusal(code, {file_field: text})


Again = Callable[[Refusal], Awaitable[Response[Any]] | Response[Any]]


async def submit_form(
    action: Awaitable[T],
    *,
    done: str | Callable[[T], str],
    again: Again,
    file_field: str | None = None,
) -> Response[Any]:
    """Run the service call; redirect to `done` (or `done(result)`), or answer `again(refusal)`.

    A form with a file names its field: the storage's refusal (too large, a type not taken, the
    storage unavailable) is then shown there. On any other form a storage error is ours: a 500."""
    refusals: tuple[type[Exception], ...] = (ValidationFailed, Conflict)
    if file_field is not None:
        refusals = (*refusals, StorageError)
    try:
        result = await action
    except refusals as exc:
        page = again(refusal_of(exc, file_field or "file"))  # type: ignore[arg-type]
        return await page if isawaitable(page) else page
    return Redirect(done(result) if callable(done) else done)


def about(item: str, message: str) -> str:
    """A field's message with the item it is about in front, for an error summary read on its own
    ("Criterion “Aims”: give 0 to 10 points."). After the colon the message goes on in lower case,
    unless its first word is written in capitals (an abbreviation: "IBAN")."""
    first = message.split(" ", 1)[0]
    if message and not (len(first) > 1 and first.isupper()):
        message = message[0].lower() + message[1:]
    return _("{item}: {message}").format(item=item, message=message)
