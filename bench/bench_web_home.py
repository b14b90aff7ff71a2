"""The inspection home page for 1,000 records and 5,000 survey responses.

Builds a throwaway SQLite database, imports a synthetic bundle of that size, then
renders the home page repeatedly as an inspector. Prints the median time and the SQL
query count (tests/web/test_home.py asserts the count does not grow with the data).
Asserts nothing about time.
"""

import copy
import statistics
import sys
import time

from webbench import member_client, migrate, throwaway_site

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
    with throwaway_site():
        run()


def run() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from scrutiny.core.bundle import dump_bundle
    from scrutiny.web.inspections.bundle_io import bundle_import
    from scrutiny.web.inspections.models import Role

    migrate()
    started = time.perf_counter()
    inspection = bundle_import(actor="bench", data=dump_bundle(synthetic_bundle()))
    imported = time.perf_counter() - started
    _, client = member_client(inspection, Role.INSPECTOR)
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


if __name__ == "__main__":
    sys.exit(main())
