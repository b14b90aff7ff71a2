"""The demo inspection's report downloaded from the web app (the PDF goal is under 5 s).

Builds a throwaway SQLite database, imports the demo inspection (100 records, 370
survey returns), then downloads each version of the report as a team member would:
the bundle is built from the tables, the core builds and renders the report. The first
download pays for loading WeasyPrint, fonts and matplotlib; the rest are warm. Prints
figures; asserts nothing about time.
"""

import statistics
import sys
import time

from webbench import member_client, migrate, throwaway_site

REPEATS = 3


def main() -> None:
    with throwaway_site():
        run()


def run() -> None:
    from django.db import connection
    from django.urls import reverse

    from scrutiny.core.bundle import dump_bundle
    from scrutiny.core.demo import make_demo
    from scrutiny.web.inspections.bundle_io import bundle_import
    from scrutiny.web.inspections.models import Role

    migrate()
    inspection = bundle_import(actor="bench", data=dump_bundle(make_demo()))
    _, client = member_client(inspection, Role.LEAD_INSPECTOR)

    def download(version: str, file_type: str) -> float:
        url = reverse(
            "reports:download",
            kwargs={
                "inspection_id": inspection.pk,
                "report_version": version,
                "file_type": file_type,
            },
        )
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    print("demo inspection from the web app's tables (100 records, 370 survey returns)")
    print(
        f"  PDF public, first download (cold: WeasyPrint, fonts, charts): {download('public', 'pdf'):5.2f} s"
    )
    for version in ("public", "internal", "young-people"):
        for file_type in ("pdf", "docx", "html"):
            times = [download(version, file_type) for _ in range(REPEATS)]
            print(
                f"  {file_type:<4} {version:<13} warm: median {statistics.median(times):5.2f} s, "
                f"best {min(times):5.2f} s"
            )
    print("  goal: demo PDF under 5 s")
    connection.close()


if __name__ == "__main__":
    sys.exit(main())
