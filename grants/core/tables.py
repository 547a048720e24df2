"""Tables shared by every domain: the audit log and the login-failure counts."""

from piccolo.columns import JSONB, Integer, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_log"):
    """Append-only: the audit service inserts, nothing updates or deletes."""

    created_at = Timestamptz(index=True)
    actor_id = Integer(null=True, default=None, index=True)
    actor_email = Varchar(length=254, default="")
    action = Varchar(length=80, index=True)
    entity = Varchar(length=80, index=True)
    entity_id = Varchar(length=64, index=True)
    data = JSONB(default="{}")


class LoginFailure(Table, tablename="login_failure"):
    """One row per failed login, so every worker process sees the same counts."""

    key = Varchar(length=300, index=True, index_method=IndexMethod.btree)
    created_at = Timestamptz(index=True)
