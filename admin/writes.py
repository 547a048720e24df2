"""How the panel may write a table: each write method either refused, or validated and then audited.

piccolo_api runs hooks on POST, PATCH and DELETE but none on PUT; its validators run on every
method, before anything is read or written. So the panel's rules live here, as validators: the same
checks and the same audit row for POST, PUT and PATCH, and for DELETE. A write is checked in full
first (the body as piccolo will read it, the columns' lengths, choices and ranges, references,
unique values, the table's own rules), so the one audit row it leaves is written only for a write
that will be stored. Bulk DELETE is never routed (piccolo-admin leaves allow_bulk_delete off).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pydantic
from piccolo.columns import BigInt, Column, ForeignKey, SmallInt, Varchar
from piccolo.table import Table
from piccolo_api.crud.endpoints import PiccoloCRUD
from piccolo_api.crud.validators import Validators
from starlette.exceptions import HTTPException
from starlette.requests import Request

from admin.forms import panel_actor
from admin.inputs import INT_LIMIT
from grants.core import audit
from grants.core.i18n import _

Message = Callable[[], str]  # a refusal, translated when it is sent
# The table's own rules: (the changes, the row as stored before them, {} for a new one) -> errors by field.
Check = Callable[[dict[str, Any], dict[str, Any]], Awaitable[dict[str, str]]]

_INT_LIMITS = {SmallInt: 2**15 - 1, BigInt: 2**63 - 1}
SECRET_COLUMNS = {"password", "token_hash"}  # never copied into the audit log


def int_limit(column: Column) -> int:
    target = column._foreign_key_meta.resolved_target_column if isinstance(column, ForeignKey) else column
    return next((limit for kind, limit in _INT_LIMITS.items() if isinstance(target, kind)), INT_LIMIT)


def read_only(message: Message) -> Validators:
    """Every write refused with 405 and `message`, which names where the change is made."""

    def refuse(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        raise HTTPException(status_code=405, detail=message())

    return Validators(
        post_single=[refuse],
        put_single=[refuse],
        patch_single=[refuse],
        delete_single=[refuse],
        delete_all=[refuse],
    )


def _invalid(errors: dict[str, str]) -> HTTPException:
    """422 with one entry per field, in the shape piccolo-admin's row form lists under its fields (a 422
    whose detail is a string stops that form with a script error: the user sees nothing)."""
    detail = [{"loc": [field], "msg": message, "type": "value_error"} for field, message in errors.items()]
    return HTTPException(status_code=422, detail=detail)  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | None) else str(value)


def _row_id(request: Request, table: type[Table]) -> Any:
    return table._meta.primary_key.value_type(request.path_params["row_id"])


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise HTTPException(status_code=400, detail=_("Send the row as a JSON object."))
    return body


def _model_values(crud: PiccoloCRUD, body: dict[str, Any], partial: bool) -> dict[str, Any]:
    """The body as piccolo will store it, or 422 with every problem (piccolo would answer 400 or 500)."""
    table = crud.table
    names = {column._meta.name for column in table._meta.columns}
    errors = {key: _("There is no such field.") for key in body if key not in names}
    if table._meta.primary_key._meta.name in body:
        errors[table._meta.primary_key._meta.name] = _("The id is given by the database.")
    if errors:
        raise _invalid(errors)
    cleaned = {k: None if isinstance(v, str) and v.lower() == "null" else v for k, v in body.items()}
    # pydantic reads true as 1 and a number as a moment; the panel's form sends neither.
    for key, value in cleaned.items():
        kind = table._meta.get_column_by_name(key).value_type
        if (isinstance(value, bool) and kind is not bool) or (
            isinstance(value, int | float) and kind in (date, datetime)
        ):
            errors[key] = _("Not a value this field can hold.")
    if errors:
        raise _invalid(errors)
    try:
        model = (crud.pydantic_model_optional if partial else crud.pydantic_model)(**cleaned)
    except pydantic.ValidationError as exc:
        raise _invalid({".".join(map(str, e["loc"])) or "row": e["msg"] for e in exc.errors()}) from None
    return {key: getattr(model, key) for key in body}


async def _column_errors(table: type[Table], changes: dict[str, Any], row_id: Any) -> dict[str, str]:
    """What the database would refuse, or store wrongly, found before it sees the row."""
    errors: dict[str, str] = {}
    for name, value in changes.items():
        column = table._meta.get_column_by_name(name)
        if value is None:
            if not column._meta.null:
                errors[name] = _("This field is required.")
            continue
        if isinstance(value, str):
            if "\x00" in value:
                errors[name] = _("Text must not contain the NUL character.")
            elif isinstance(column, Varchar) and len(value) > column.length:
                errors[name] = _("At most {n} characters.").format(n=column.length)
            elif column._meta.choices and value not in {c.value for c in column._meta.choices}:
                errors[name] = _("Choose one of: {values}.").format(
                    values=", ".join(str(c.value) for c in column._meta.choices)
                )
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > int_limit(column):
            errors[name] = _("The number is too large.")
        elif isinstance(column, ForeignKey):
            target = column._foreign_key_meta.resolved_references
            if not await target.exists().where(target._meta.primary_key == value):
                errors[name] = _("No {table} has the id {id}.").format(table=target._meta.tablename, id=value)
        if name not in errors and column._meta.unique:
            others = table.exists().where(column == value)
            if row_id is not None:
                others = others.where(table._meta.primary_key != row_id)
            if await others:
                errors[name] = _("This value is already used by another row.")
    return errors


async def _references(table: type[Table], row_id: Any) -> str | None:
    """The first table whose rows still point at this row: deleting it would cascade or fail."""
    for column in table._meta.foreign_key_references:
        referring = column._meta.table
        count = await referring.count().where(column == row_id)
        if count:
            return _("Still used by {n} rows of {table}; change or remove those first.").format(
                n=count, table=referring._meta.tablename
            )
    return None


async def _stored(table: type[Table], row_id: Any) -> dict[str, Any]:
    """The row as stored, or 404 (piccolo_api looked before the validators, but it may be gone since)."""
    row = await table.select().where(table._meta.primary_key == row_id).first()
    if row is None:
        raise HTTPException(status_code=404, detail=_("No row has the id {id}.").format(id=row_id))
    return row


@dataclass(frozen=True)
class Writes:
    """The panel's writes to one table. A method with a refusal answers 405 with its message; the others
    are validated (columns, references, unique values, then `check`) and leave one audit row."""

    check: Check | None = None
    refuse_create: Message | None = None
    refuse_edit: Message | None = None
    refuse_replace: Message | None = None  # PUT alone (piccolo-admin's own form edits by PATCH)
    refuse_delete: Message | None = None

    def validators(self, table: type[Table]) -> Validators:
        entity = table._meta.tablename

        def refusal(message: Message | None) -> None:
            if message is not None:
                raise HTTPException(status_code=405, detail=message())

        async def write(crud: PiccoloCRUD, request: Request, method: str) -> None:
            refusal(self.refuse_create if method == "POST" else self.refuse_edit)
            body = await _body(request)
            row_id = None if method == "POST" else _row_id(request, table)
            if method == "POST":
                # piccolo_api builds the new row from every field, a missing one as None: the column's
                # default is what the panel's own form would have sent. (The body is the request's
                # parsed JSON, which piccolo_api reads next.)
                for column in table._meta.columns:
                    if column is not table._meta.primary_key and column._meta.name not in body:
                        default = column.get_default_value()
                        body[column._meta.name] = default.python() if hasattr(default, "python") else default
            current = {} if row_id is None else await _stored(table, row_id)
            changes = _model_values(crud, body, partial=method == "PATCH")
            # piccolo_api leaves an empty password out (its PATCH): an update of nothing fails in the database.
            if row_id is not None and not [k for k, v in changes.items() if k != "password" or v]:
                raise _invalid({"row": _("Send at least one field to change.")})
            errors = await _column_errors(table, changes, row_id)
            if not errors and self.check is not None:
                errors = await self.check(changes, current)
            if errors:
                raise _invalid(errors)
            action, target = ("admin_create", "new") if method == "POST" else ("admin_update", row_id)
            after = {k: "(changed)" if k in SECRET_COLUMNS else _plain(v) for k, v in changes.items()}
            await audit.record(action, entity, target, actor=await panel_actor(request), after=after)

        async def post(piccolo_crud: PiccoloCRUD, request: Request) -> None:
            await write(piccolo_crud, request, "POST")

        async def put(piccolo_crud: PiccoloCRUD, request: Request) -> None:
            refusal(self.refuse_replace)
            await write(piccolo_crud, request, "PUT")

        async def patch(piccolo_crud: PiccoloCRUD, request: Request) -> None:
            await write(piccolo_crud, request, "PATCH")

        async def delete(piccolo_crud: PiccoloCRUD, request: Request) -> None:
            refusal(self.refuse_delete)
            row_id = _row_id(request, table)
            row = await _stored(table, row_id)
            if (used := await _references(table, row_id)) is not None:
                raise HTTPException(status_code=409, detail=used)
            before = {k: _plain(v) for k, v in row.items() if k not in SECRET_COLUMNS}
            await audit.record(
                "admin_delete", entity, row_id, actor=await panel_actor(request), before=before
            )

        def bulk(piccolo_crud: PiccoloCRUD, request: Request) -> None:
            raise HTTPException(status_code=405, detail=_("Delete rows one at a time."))

        return Validators(
            post_single=[post],
            put_single=[put],
            patch_single=[patch],
            delete_single=[delete],
            delete_all=[bulk],
        )
