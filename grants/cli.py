"""The `grants` command: serve, worker, migrate, demo, createuser, import-schools, remind, send-mail."""

from __future__ import annotations

import argparse
import asyncio
import sys
import warnings
from pathlib import Path

from grants.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


async def _check_database() -> None:
    from grants.core.db import engine

    await engine().run_ddl("SELECT 1")


def _configure() -> Settings:
    settings = _settings()
    from grants.core.db import configure

    configure(settings)
    try:
        with warnings.catch_warnings():  # Piccolo warns about the same failure: say it once
            warnings.simplefilter("ignore")
            asyncio.run(_check_database())
    except Exception as exc:  # a refused connection, an unknown database, a path that cannot be made …
        reason = " ".join(str(exc).split()) or type(exc).__name__
        print(f"Configuration error: DATABASE_URL: cannot open the database: {reason}", file=sys.stderr)
        raise SystemExit(2) from None
    return settings


async def migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from grants.core.db import engine, prepare_sqlite
    from grants.registry.service import sync_municipalities

    await prepare_sqlite(engine())
    result = await run_forwards(app_name="all")
    if not result.success:
        raise SystemExit(f"Migrations failed: {result.message}")
    changed = await sync_municipalities()
    print(f"Database is up to date; municipality registry: {changed} change(s).")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = _configure()
    uvicorn.run(
        "grants.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=list(settings.forwarded_allow_ips),
        log_level="info",
    )


def cmd_migrate(args: argparse.Namespace) -> None:
    _configure()
    asyncio.run(migrate())


def cmd_demo(args: argparse.Namespace) -> None:
    _configure()
    from grants.demo import load_demo

    logins = asyncio.run(load_demo())
    print("Demo data is loaded. Log in at /login (staff and reviewers also at /admin/):")
    for role, email, password in logins:
        print(f"  {role:<12} {email:<32} {password}")


def cmd_createuser(args: argparse.Namespace) -> None:
    _configure()
    from grants.accounts.service.users import ensure_user
    from grants.core.auth import Role
    from grants.core.errors import ValidationFailed

    try:
        user_id = asyncio.run(
            ensure_user(args.email, args.password, Role(args.role), args.municipality, args.name or "")
        )
    except ValidationFailed as exc:
        for field, message in exc.errors.items():
            print(f"{field}: {message}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"User {args.email} (id {user_id}) has the role {args.role}.")


def cmd_import_schools(args: argparse.Namespace) -> None:
    _configure()
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from grants.registry.rules import ImportFileError, count_rows
    from grants.registry.service import import_schools

    path = Path(args.file)
    console = Console(stderr=True)
    if not path.is_file():
        console.print(f"[red]No such file: {path}[/red]")
        raise SystemExit(1)
    total = count_rows(path)
    with Progress(
        TextColumn("Importing schools"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("import", total=total)
        try:
            report = asyncio.run(import_schools(path, lambda n: progress.advance(task, n)))
        except ImportFileError as exc:
            console.print(f"[red]{exc}[/red]")
            raise SystemExit(1) from None
        except UnicodeDecodeError:
            console.print("[red]The file is not UTF-8 text.[/red]")
            raise SystemExit(1) from None
    for line, reason in report.errors or []:
        print(f"line {line}: {reason}")
    print(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors or [])} rejected"
    )
    if report.errors:
        raise SystemExit(1)


def cmd_send_mail(args: argparse.Namespace) -> None:
    settings = _configure()
    from grants.core.mail import CHANNEL, deliver_pending, requeue_stuck
    from grants.core.presence import AlreadyRunning, presence_for

    async def run() -> int:
        if args.requeue_stuck:
            requeued = await requeue_stuck()
            print(f"requeued {len(requeued)} stuck message(s)" + (f": {requeued}" if requeued else ""))
        # Claims in the name of a presence, so a send-mail killed mid-send leaves nothing stuck:
        # a worker gives its row back.
        presence = presence_for(settings, CHANNEL)
        try:
            await presence.start()
        except AlreadyRunning as exc:
            print(f"Nothing sent: grants worker (pid {exc.pid}) delivers this database's outbox.")
            return 0
        try:
            report = await deliver_pending(settings, limit=args.limit, claimer=presence.id)
        finally:
            await presence.close()
        print(report.summary())
        return 1 if report.failed else 0

    raise SystemExit(asyncio.run(run()))


def cmd_worker(args: argparse.Namespace) -> None:
    import logging

    settings = _configure()
    from grants.core.presence import AlreadyRunning
    from grants.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(run_worker(settings))
    except AlreadyRunning as exc:
        print(f"grants worker: {exc}.", file=sys.stderr)
        raise SystemExit(1) from None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"must be a whole number greater than zero, not {value!r}")
    return int(value)


def cmd_remind(args: argparse.Namespace) -> None:
    _configure()
    from grants.applications.notify import REMIND_DAYS_BEFORE, remind_unsubmitted_drafts
    from grants.reporting.notify import remind_reports

    async def run() -> int:
        return await remind_unsubmitted_drafts(args.days or REMIND_DAYS_BEFORE) + await remind_reports()

    queued = asyncio.run(run())
    print(f"{queued} reminder(s) queued; run `grants send-mail` (or let cron) to deliver them.")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="grants", description="Grant management for PuMPuRS youth initiatives."
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (PostgreSQL for more than one)"
    )
    serve.set_defaults(func=cmd_serve)

    commands.add_parser(
        "migrate", help="create or update the database; load the municipality registry"
    ).set_defaults(func=cmd_migrate)
    commands.add_parser("demo", help="load demo data (idempotent) and print the demo logins").set_defaults(
        func=cmd_demo
    )

    create = commands.add_parser("createuser", help="create a user, or reset their password, with a role")
    create.add_argument("email")
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True, choices=["staff", "reviewer", "coordinator", "applicant"])
    create.add_argument(
        "--municipality",
        help=(
            "ISO 3166-2:LV code; required for coordinators; for staff, a municipality whose calls they run "
            "(none: national staff; run again with another code to add one)"
        ),
    )
    create.add_argument("--name", help="the person's full name")
    create.set_defaults(func=cmd_createuser)

    schools = commands.add_parser("import-schools", help="import or update schools from a CSV file")
    schools.add_argument(
        "file", help="CSV with registration_number,name,municipality_code,kind,pumpurs_since,pumpurs_until"
    )
    schools.set_defaults(func=cmd_import_schools)

    remind = commands.add_parser(
        "remind",
        help="queue reminders of unsubmitted drafts in calls closing soon and of reports due "
        "(idempotent; run daily)",
    )
    remind.add_argument("--days", type=int, default=0, help="how many days before the deadline (default 3)")
    remind.set_defaults(func=cmd_remind)

    mail = commands.add_parser(
        "send-mail",
        help="send the e-mails waiting in the outbox once (`grants worker` does it continuously); "
        "exit status 1 when a message failed",
    )
    mail.add_argument("--limit", type=_positive, default=100, help="send at most this many (default 100)")
    mail.add_argument(
        "--requeue-stuck",
        action="store_true",
        help="first put back messages stuck in sending for 15 minutes (check they did not arrive)",
    )
    mail.set_defaults(func=cmd_send_mail)

    commands.add_parser(
        "worker",
        help="deliver the outbox continuously, run the daily reminders and the clean-up "
        "(stops on SIGTERM or Ctrl-C)",
    ).set_defaults(func=cmd_worker)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
