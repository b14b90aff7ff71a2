"""What the web benches share: a throwaway SQLite database and a signed-in member.

Not a benchmark itself (`make bench` runs bench_*.py only).
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def throwaway_site(prefix: str = "scrutiny-bench-") -> Iterator[Path]:
    """Django set up on a new, migrated SQLite database in a temporary folder (yielded),
    removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="scrutiny.web.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        SCRUTINY_DATA_DIR=str(tmp),
        SCRUTINY_ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def member_client(inspection: Any, role: str) -> tuple[Any, Any]:
    """A demo account holding `role` in the inspection, and a test client signed in as it."""
    from django.test import Client

    from scrutiny.web.accounts.models import User
    from scrutiny.web.inspections.models import Membership

    user = User.objects.create_user(username=f"bench-{role}", password=None, is_demo=True)
    Membership.objects.create(inspection=inspection, user=user, role=role)
    client = Client()
    client.force_login(user)
    return user, client
