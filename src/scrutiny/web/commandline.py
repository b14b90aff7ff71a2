"""Entry points for `scrutiny import`, `export`, `backup` and `restore` (wired in scrutiny.cli).

Each runs the Django management command of the same purpose against the configured
database (DATABASE_URL, or the SQLite file under var/) and returns the exit status:
0 success, 2 invalid input (every problem on standard error), 1 anything else.
"""

import os
import sys

import django
from django.core.management import call_command
from django.core.management.base import CommandError


def _setup(*, migrate: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.web.settings")
    django.setup()
    from django.db import connection

    # The default SQLite file is created on first use; a server database is migrated
    # by its operators, never behind their backs.
    if migrate and connection.vendor == "sqlite":
        call_command("migrate", "--noinput", verbosity=0)


def _run(*args: str, migrate: bool = True) -> int:
    _setup(migrate=migrate)
    try:
        call_command(*args)
    except CommandError as exc:
        print(f"scrutiny: {exc}", file=sys.stderr)
        return exc.returncode
    return 0


def import_main(bundle_path: str) -> int:
    """`scrutiny import BUNDLE`: create an inspection from a bundle file or '-'."""
    return _run("import_bundle", bundle_path)


def export_main(reference: str, output: str = "-") -> int:
    """`scrutiny export REFERENCE [-o FILE]`: write the inspection's bundle."""
    return _run("export_bundle", reference, "--output", output)


def backup_main(archive: str) -> int:
    """`scrutiny backup FILE`: one consistent archive of the installation."""
    return _run("backup", archive)


def restore_main(archive: str) -> int:
    """`scrutiny restore FILE`: into an empty installation, after checking every part.

    Nothing is migrated first: the installation must be empty, and restore brings the
    restored database up to date itself."""
    return _run("restore", archive, migrate=False)
