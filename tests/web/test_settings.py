"""Settings come from the environment; production passes Django's deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from scrutiny.web.settings import database_from_url, env_bool, env_int, env_str


def test_it_reads_postgres_from_database_url() -> None:
    db = database_from_url("postgres://scrutiny:p%40ss@127.0.0.1:5433/inspections")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "scrutiny",
        "p@ss",
        "127.0.0.1",
        "5433",
        "inspections",
    )


def test_it_defaults_sqlite_to_wal_and_immediate_transactions() -> None:
    db = database_from_url("sqlite:////tmp/x.sqlite3")
    assert db["NAME"] == "/tmp/x.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    # A writer waits up to 30 s for another (the worker's import) instead of failing.
    assert db["OPTIONS"]["timeout"] == 30


def test_it_refuses_unknown_databases() -> None:
    with pytest.raises(ValueError, match="not supported"):
        database_from_url("mysql://x/y")


def test_env_helpers_fail_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("X_BOOL", "perhaps")
    with pytest.raises(ValueError, match="X_BOOL"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ValueError, match="X_INT"):
        env_int("X_INT", 1)
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_str("X_SECRET") == "from-a-file"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SCRUTINY_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, str(root / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_profile_passes_check_deploy(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SCRUTINY_ENV="production",
        SCRUTINY_SECRET_KEY=secrets.token_urlsafe(50),
        SCRUTINY_ALLOWED_HOSTS="scrutiny.example",
        SCRUTINY_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _manage("check", SCRUTINY_ENV="production", SCRUTINY_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SCRUTINY_SECRET_KEY" in result.stderr


def test_e_mail_goes_to_the_console_in_development_and_by_smtp_in_production(
    tmp_path: Path,
) -> None:
    show = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.SITE_URL)"
    )
    development = _manage("shell", "-c", show, SCRUTINY_DATA_DIR=str(tmp_path))
    assert (
        development.stdout.splitlines()[-1].split()[0]
        == "django.core.mail.backends.console.EmailBackend"
    )
    secret = tmp_path / "mail-password"
    secret.write_text("s3cret\n")
    production = _manage(
        "shell",
        "-c",
        show,
        SCRUTINY_ENV="production",
        SCRUTINY_SECRET_KEY=secrets.token_urlsafe(50),
        SCRUTINY_DATA_DIR=str(tmp_path),
        SCRUTINY_EMAIL_HOST="smtp.example",
        SCRUTINY_EMAIL_PORT="465",
        SCRUTINY_EMAIL_USER="scrutiny",
        SCRUTINY_EMAIL_PASSWORD_FILE=str(secret),
        SCRUTINY_EMAIL_TLS="true",
        SCRUTINY_EMAIL_FROM="scrutiny@example.org",
        SCRUTINY_SITE_URL="https://scrutiny.example",
    )
    assert production.returncode == 0, production.stderr
    assert production.stdout.splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example",
        "465",
        "scrutiny",
        "s3cret",
        "True",
        "scrutiny@example.org",
        "https://scrutiny.example",
    ]


def test_it_depends_on_no_history_package_it_does_not_use() -> None:
    # ADR 3: the audit table written by the services is the one record of changes;
    # django-simple-history was listed but never used (issue 11, item 6).
    import tomllib

    from django.conf import settings

    pyproject = Path(__file__).parents[2] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text())["project"]
    listed = [*project["dependencies"], *sum(project.get("optional-dependencies", {}).values(), [])]
    assert not [d for d in listed if "simple-history" in d.lower()]
    assert not [a for a in settings.INSTALLED_APPS if "simple_history" in a]
