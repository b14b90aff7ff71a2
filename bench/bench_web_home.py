"""The inspection home page for 1,000 records and 5,000 survey responses.

Builds a throwaway SQLite database, imports a synthetic bundle of that size, then
renders the home page repeatedly as an inspector. Prints the median time and the SQL
query count (tests/web/test_home.py asserts the count does not grow with the data).
Asserts nothing about time.
"""

import copy
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

RECORDS, RESPONSES, REPEATS = 1_000, 5_000, 15


def synthetic_bundle() -> dict:
    from scrutiny.core.demo import make_demo

    data = make_demo(seed=7, records=RECORDS)
    data["inspection"]["reference"] = "JI-BENCH"
    base = data["survey_responses"]
    responses = []
    for n in range(RESPONSES):  # repeat the demo's answers under new respondent ids
        response = copy.deepcopy(base[n % len(base)])
        response["respondent"] = f"B-{n:05d}"
        responses.append(response)
    data["survey_responses"] = responses
    return data


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="scrutiny-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="scrutiny.web.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        SCRUTINY_DATA_DIR=str(tmp),
        SCRUTINY_ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from scrutiny.core.bundle import dump_bundle
    from scrutiny.web.accounts.models import User
    from scrutiny.web.inspections.bundle_io import bundle_import
    from scrutiny.web.inspections.models import Membership, Role

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    inspection = bundle_import(actor="bench", data=dump_bundle(synthetic_bundle()))
    imported = time.perf_counter() - started
    user = User.objects.create_user(username="bench", password=None, is_demo=True)
    Membership.objects.create(inspection=inspection, user=user, role=Role.INSPECTOR)
    client = Client()
    client.force_login(user)
    url = reverse("inspections:home", kwargs={"inspection_id": inspection.pk})
    assert client.get(url).status_code == 200  # warm-up
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(
        f"records read: {inspection.record_readings.values('record').distinct().count()}, "
        f"readings: {inspection.record_readings.count()}, "
        f"survey responses: {inspection.survey_responses.count()}"
    )
    print(f"bundle import: {imported:.2f} s")
    print(
        f"home page: median {statistics.median(times) * 1000:.0f} ms over {REPEATS} renders "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
        f"{len(queries)} SQL queries"
    )
    connection.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
