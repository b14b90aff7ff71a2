"""Prepare a site for the load bench (run as a script with the site's environment):
migrate, import a demo inspection, and make the cast the locust scenarios sign in as.

Writes a JSON file the locustfile reads: URLs (from the URL conf, so they follow the
app), usernames, each reader's own assignment, the partnership's statements, an API token.
Not a benchmark itself (`make bench` runs bench_*.py only).
"""

import os
import sys
from pathlib import Path

import django
import orjson

PASSWORD = "load-bench-password"  # noqa: S105 (throwaway site on loopback)
READERS = 120  # more than the readers 200 people bring, so no two share a reading
LEADS = 20
PARTNERS = 10


def main(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.web.settings")
    django.setup()
    from django.core.management import call_command
    from django.urls import reverse

    from scrutiny.core.bundle import dump_bundle
    from scrutiny.core.demo import make_demo
    from scrutiny.core.methodology import load_programme
    from scrutiny.core.sample_import import SampledRecord as Parsed
    from scrutiny.web.accounts.models import User
    from scrutiny.web.api.services import api_token_create
    from scrutiny.web.inspections.bundle_io import bundle_import
    from scrutiny.web.inspections.models import Membership, Role
    from scrutiny.web.records.models import Assignment
    from scrutiny.web.records.services import assignments_balance, sample_import
    from scrutiny.web.reports.models import Statement
    from scrutiny.web.reports.selectors import report_for
    from scrutiny.web.reports.services import report_share

    call_command("migrate", verbosity=0)
    data = make_demo(seed=1, records=100)
    data["inspection"]["reference"] = "JI-LOAD"
    inspection = bundle_import(actor="load bench", data=dump_bundle(data))
    programme = load_programme(inspection.programme)

    def person(name: str, role: str) -> User:
        user = User.objects.create_user(
            username=name, password=PASSWORD, is_demo=True, first_name=name.title()
        )
        Membership.objects.create(inspection=inspection, user=user, role=role)
        return user

    readers = [person(f"reader-{n:03d}", Role.INSPECTOR) for n in range(READERS)]
    leads = [person(f"lead-{n:03d}", Role.LEAD_INSPECTOR) for n in range(LEADS)]
    partners = [person(f"partner-{n:03d}", Role.PARTNERSHIP_CONTACT) for n in range(PARTNERS)]
    sample_import(
        actor="load bench",
        inspection=inspection,
        records=[
            Parsed(
                row=n + 1,
                record=f"L-{n:03d}",
                care_group=None,
                age_band="5-11",
                legal_status="Looked after",
                area="North",
            )
            for n in range(READERS)
        ],
    )
    assignments_balance(
        actor="load bench", inspection=inspection, readers=readers, programme=programme
    )
    report = report_for(inspection=inspection)
    report_share(actor=leads[0], inspection=inspection, expected_version=report.version)
    _token, key = api_token_create(actor="load bench", user=leads[0], name="load bench")

    i = inspection.pk
    first_item = programme.reading_items[0].id
    config = {
        "password": PASSWORD,
        "login": reverse("accounts:login"),
        "readers": [
            {
                "username": a.reader.username,
                "form": reverse("records:reading", args=[i, a.pk]),
                "list": reverse("records:list", args=[i]),
            }
            for a in Assignment.objects.filter(inspection=inspection).select_related("reader")
        ],
        "rating_field": f"rating-{first_item}",
        "leads": [u.username for u in leads],
        "lead_pages": {
            "inspection": reverse("inspections:home", args=[i]),
            "evaluation": reverse("evaluations:workspace", args=[i]),
            "indicator": reverse("evaluations:indicator", args=[i, "2.1"]),
            "report": reverse("reports:overview", args=[i]),
            "report section": reverse("reports:section", args=[i, "question-2"]),
            "record results": reverse("records:results", args=[i]),
            "evidence": reverse("evidence:list", args=[i]),
            "survey results": reverse("surveys:results", args=[i, programme.surveys[0].id]),
        },
        "partners": [u.username for u in partners],
        "shared_draft": reverse("reports:shared_draft", args=[i]),
        "comment_forms": [
            reverse("reports:statement_comment", args=[i, s.pk])
            for s in Statement.objects.filter(inspection=inspection).order_by("id")[:10]
        ],
        "token": key,
        "api": {
            "inspections": reverse("api:inspections"),
            "evaluations": reverse("api:evaluations", args=[i]),
            "evidence": reverse("api:evidence", args=[i]),
            "report": reverse("api:report", args=[i]),
        },
    }
    out.write_bytes(orjson.dumps(config, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
