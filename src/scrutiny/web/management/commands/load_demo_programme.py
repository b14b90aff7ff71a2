"""`manage.py load_demo_programme [--inspections N]`: a synthetic programme of published
inspections for the programme overview (`make run` loads a few; the review used 32),
and a demo programme manager. Idempotent: inspections already there are left alone.

Each inspection has a plan, and its draft was shared, made final and published on the
days its demo plan says (some on time, some late), its action plan received or not: so
the overview's timelines show milestones both kept and missed."""

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from scrutiny.core.bundle import dump_bundle
from scrutiny.core.programme_review.demo import (
    PROGRAMME_SIZE,
    make_programme_demo,
    make_programme_plans,
)
from scrutiny.web.accounts.services import user_create
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.management.commands.load_demo import DEMO_PASSWORD
from scrutiny.web.plans.services import plan_notification_move, stage_change_set
from scrutiny.web.reports.selectors import report_for
from scrutiny.web.reports.services import report_make_final, report_publish, report_share

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
        bundles = make_programme_demo(inspections=count, records=options["records"])
        for data, plan in zip(bundles, make_programme_plans(bundles), strict=True):
            if Inspection.objects.filter(reference=data["inspection"]["reference"]).exists():
                continue
            with transaction.atomic():
                inspection = bundle_import(actor=ACTOR, data=dump_bundle(data))
                # Importing gave it a plan, from its start date.
                planned = inspection.plan
                if planned.notification_date != plan.notification:
                    planned = plan_notification_move(
                        actor=ACTOR,
                        plan_id=planned.pk,
                        expected_version=planned.version,
                        notification_date=plan.notification,
                    )
                report = report_for(inspection=inspection)
                for step, on in (
                    (report_share, plan.draft_shared),
                    (report_make_final, plan.made_final),
                    (report_publish, plan.published),
                ):
                    report = step(
                        actor=ACTOR,
                        inspection=inspection,
                        expected_version=report.version,
                        at=_midday(on),
                    )
                if plan.action_plan is not None:
                    stage_change_set(
                        actor=ACTOR,
                        plan_id=planned.pk,
                        expected_version=planned.version,
                        stage="action_plan",
                        start=None,
                        end=None,
                        done_on=plan.action_plan,
                    )
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


def _midday(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))
