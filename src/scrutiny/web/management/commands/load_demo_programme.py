"""`manage.py load_demo_programme [--inspections N]`: a synthetic programme of published
inspections for the programme overview (`make run` loads a few; the review used 32),
and a demo programme manager. Idempotent: inspections already there are left alone."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from scrutiny.core.bundle import dump_bundle
from scrutiny.core.programme_review.demo import PROGRAMME_SIZE, make_programme_demo
from scrutiny.web.accounts.services import user_create
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.management.commands.load_demo import DEMO_PASSWORD
from scrutiny.web.reports.selectors import report_for
from scrutiny.web.reports.services import report_make_final, report_publish

ACTOR = "demo loader"
MANAGER = ("manager", "Morag Manager")


class Command(BaseCommand):
    help = "Load a synthetic programme of published demo inspections (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inspections", type=int, default=6)
        parser.add_argument("--records", type=int, default=30)

    def handle(self, *args: object, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded under SCRUTINY_ENV=production.")
        count = options["inspections"]
        if not 1 <= count <= PROGRAMME_SIZE:
            raise CommandError(f"--inspections: give 1 to {PROGRAMME_SIZE}")
        loaded = 0
        for data in make_programme_demo(inspections=count, records=options["records"]):
            if Inspection.objects.filter(reference=data["inspection"]["reference"]).exists():
                continue
            with transaction.atomic():
                inspection = bundle_import(actor=ACTOR, data=dump_bundle(data))
                report = report_make_final(
                    actor=ACTOR,
                    inspection=inspection,
                    expected_version=report_for(inspection=inspection).version,
                )
                report_publish(actor=ACTOR, inspection=inspection, expected_version=report.version)
            loaded += 1
        users = get_user_model().objects
        if not users.filter(username=MANAGER[0]).exists():
            first, last = MANAGER[1].split(" ", 1)
            user_create(
                actor=ACTOR,
                username=MANAGER[0],
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                is_demo=True,
                is_programme_manager=True,
            )
        self.stdout.write(f"{loaded} published demo inspection{'s' if loaded != 1 else ''} loaded.")
