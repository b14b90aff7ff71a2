"""A safe production start: no demo accounts, no skipped second factor, and
`check --deploy` saying so when the environment asks for either."""

import secrets
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scrutiny.web.accounts.checks import demo_accounts
from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection

from .test_settings import _manage


def production(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "SCRUTINY_ENV": "production",
        "SCRUTINY_SECRET_KEY": secrets.token_urlsafe(50),
        "SCRUTINY_ALLOWED_HOSTS": "scrutiny.example",
        "SCRUTINY_DATA_DIR": str(tmp_path),
        **extra,
    }


def test_load_demo_refuses_to_run_in_production(tmp_path: Path) -> None:
    result = _manage("load_demo", **production(tmp_path))
    assert result.returncode != 0
    assert "load_demo refuses to run with SCRUTINY_ENV=production" in result.stderr
    assert "createadmin" in result.stderr


@pytest.mark.django_db
def test_load_demo_writes_nothing_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="published"):
        call_command("load_demo", "--records", "5")
    assert not User.objects.exists() and not Inspection.objects.exists()


def test_demo_two_factor_skipping_is_impossible_in_production(tmp_path: Path) -> None:
    env = production(tmp_path, SCRUTINY_DEMO_SKIP_2FA="true")
    shown = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEMO_ACCOUNTS_SKIP_TWO_FACTOR)",
        **env,
    )
    assert shown.stdout.splitlines()[-1] == "False", shown.stderr
    check = _manage("check", "--deploy", **env)
    assert check.returncode != 0
    assert "scrutiny.E001" in check.stderr and "SCRUTINY_DEMO_SKIP_2FA" in check.stderr


@pytest.mark.django_db
def test_check_deploy_reports_demo_accounts_in_a_production_database(settings: Any) -> None:
    User.objects.create_user(username="demo-admin", is_demo=True)
    settings.PRODUCTION = True
    [error] = demo_accounts(None, databases=["default"])
    assert error.id == "scrutiny.E003" and "demo-admin" in error.msg
    assert demo_accounts(None, databases=None) == []  # only with --database


def test_check_deploy_warns_outside_production(tmp_path: Path) -> None:
    check = _manage("check", "--deploy", SCRUTINY_DATA_DIR=str(tmp_path))
    assert "scrutiny.W001" in check.stdout + check.stderr
