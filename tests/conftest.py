"""Suite-wide pytest hooks."""

import os

import pytest

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "markup_only: checks page markup only; the PostgreSQL pass leaves it out"
    )


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test() -> None:
    """Kept bundles are keyed by inspection id, creation time and audit count; each test's
    database starts again from the same ids, so each test starts with none kept."""
    from scrutiny.web.inspections.versioned import forget_kept  # needs Django set up

    forget_kept()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With SCRUTINY_ONLY_DB_TESTS=1 (the PostgreSQL pass of `make test`), keep only the
    tests that touch a database: the rest already ran on SQLite and cannot differ."""
    if os.environ.get("SCRUTINY_ONLY_DB_TESTS") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ())
        )
        # Markup checks (axe-core on every page) read pages, not what the database does.
        markup_only = item.get_closest_marker("markup_only")
        (keep if uses_db and not markup_only else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep
