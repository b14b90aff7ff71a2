"""The record-reading results pages for 150 records x 25 items with 30 second readings.

Builds a throwaway SQLite database and a copy of the 2018 programme with 25 reading
items, seeds the readings and the sample, then renders each page repeatedly as the lead
inspector. Prints the median time and the SQL query count of each page
(tests/web/test_records_results.py asserts the counts do not grow with the data).
Asserts nothing about time.
"""

import statistics
import sys
import time
from datetime import date
from pathlib import Path

from webbench import member_client, migrate, throwaway_site

RECORDS, ITEMS, SECOND, REPEATS = 150, 25, 30, 15
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with throwaway_site(prefix="scrutiny-bench-records-") as tmp:
        run(tmp)


def run(tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))  # the seeding helpers shared with the tests
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from tests.web.test_records_support import add_sample, assign, seed_readings, sized_programme

    import scrutiny.core.methodology as methodology
    from scrutiny.web.inspections.models import Inspection, Role

    programmes = tmp / "programmes"
    programmes.mkdir()
    programme = sized_programme(programmes, items=ITEMS)
    methodology.PROGRAMMES_DIR = programmes
    migrate()
    inspection = Inspection.objects.create(
        reference="JI-BENCH", partnership="Benchtown", programme=programme, start=date(2026, 1, 5)
    )
    lead, client = member_client(inspection, Role.LEAD_INSPECTOR)
    seed_readings(inspection, records=RECORDS, second=SECOND)
    add_sample(inspection, records=RECORDS)
    assign(inspection, lead)
    print(
        f"{RECORDS} records x {ITEMS} items, {SECOND} read twice "
        f"({inspection.record_readings.count()} readings)"
    )
    pages = {
        "results": {},
        "agreement": {},
        "agreement_item": {"item": "immediate_response"},
        "sample": {},
        "results_export (csv)": {"fmt": "csv"},
    }
    for label, extra in pages.items():
        name = label.split(" ")[0]
        url = reverse(f"records:{name}", kwargs={"inspection_id": inspection.pk, **extra})
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
            f"{label:22} median {statistics.median(times) * 1000:7.1f} ms "
            f"over {REPEATS} renders, {len(queries)} SQL queries"
        )


if __name__ == "__main__":
    main()
