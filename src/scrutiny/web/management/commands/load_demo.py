"""Load the demo inspection and one demo account per role (used by `make run`)."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from scrutiny.core.bundle import dump_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import load_programme
from scrutiny.core.sample_import import SampledRecord as ParsedRecord
from scrutiny.web.accounts.services import user_create
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.inspections.services import membership_add
from scrutiny.web.plans.services import plan_notification_move, stage_change_set
from scrutiny.web.records.models import SampledRecord
from scrutiny.web.records.services import assignments_balance, sample_import

DEMO_PASSWORD = "demo-password-not-secret"  # noqa: S105  (demo accounts only, never in production)

# Records still to read, so a demo reader finds the reading form with work in it. The
# imported readings came from a bundle, which holds no sample; these are synthetic too.
DEMO_SAMPLE_SIZE = 8

# username, full name, role in the demo inspection (None: site administrator only)
DEMO_USERS = [
    ("lead", "Lesley Lead", Role.LEAD_INSPECTOR),
    ("inspector", "Iain Inspector", Role.INSPECTOR),
    ("volunteer", "Vicky Volunteer", Role.YOUNG_INSPECTION_VOLUNTEER),
    ("assurer", "Quentin Assurer", Role.QUALITY_ASSURER),
    ("partner", "Pat Partner", Role.PARTNERSHIP_CONTACT),
    ("admin", "Alex Administrator", None),
]
# Made by load_demo_programme: the programme-wide overview, no inspection's data.
PROGRAMME_MANAGER_LOGIN = ("manager", "Programme manager (published aggregates only)")


class Command(BaseCommand):
    help = "Load the demo inspection and demo users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--records", type=int, default=100)
        # `make run` loads quietly, prints the evaluation, then the logins last of all.
        parser.add_argument("--quiet", action="store_true", help="load without printing")
        parser.add_argument("--logins-only", action="store_true", help="only print the demo logins")
        parser.add_argument("--port", type=int, default=8000, help="the port `make run` serves on")

    def handle(self, *args: object, **options: Any) -> None:
        if settings.PRODUCTION:
            # The demo accounts' password is published in this file and in `make run`'s output.
            raise CommandError(
                "load_demo refuses to run with SCRUTINY_ENV=production: it makes demo accounts "
                "whose password is published. Make the first administrator with "
                "`manage.py createadmin` instead."
            )
        if not options["logins_only"]:
            inspection = self._load(seed=options["seed"], records=options["records"])
            if options["quiet"]:
                return
            self.stdout.write(
                f"\nDemo inspection {inspection.reference} ({inspection.partnership}) is loaded."
            )
        self.stdout.write(
            f"Sign in at http://127.0.0.1:{options['port']}/ with password {DEMO_PASSWORD!r} "
            "and one of these usernames:"
        )
        for username, _, role in DEMO_USERS:
            label = Role(role).label if role else "Site administrator (no case data)"
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write(f"  {PROGRAMME_MANAGER_LOGIN[0]:<10} {PROGRAMME_MANAGER_LOGIN[1]}")
        self.stdout.write("Demo accounts skip two-factor authentication; real accounts do not.\n")

    def _load(self, *, seed: int, records: int) -> Inspection:
        with transaction.atomic():
            bundle = make_demo(seed=seed, records=records)
            reference = bundle["inspection"]["reference"]
            inspection = Inspection.objects.filter(reference=reference).first()
            if inspection is None:
                inspection = bundle_import(actor="demo loader", data=dump_bundle(bundle))
                _timetable_under_way(inspection)
            users = get_user_model().objects
            for username, name, role in DEMO_USERS:
                user = users.filter(username=username).first()
                if user is None:
                    first, last = name.split(" ", 1)
                    user = user_create(
                        actor="demo loader",
                        username=username,
                        password=DEMO_PASSWORD,
                        first_name=first,
                        last_name=last,
                        is_administrator=role is None,
                        is_demo=True,
                    )
                if (
                    role
                    and not Membership.objects.filter(inspection=inspection, user=user).exists()
                ):
                    membership_add(actor="demo loader", inspection=inspection, user=user, role=role)
            _sample_to_read(
                inspection, readers=[users.get(username=u) for u in ("inspector", "lead")]
            )
        return inspection


def _sample_to_read(inspection: Inspection, *, readers: list[object]) -> None:
    """A few unread records in the sample, shared between the demo's readers (once)."""
    if SampledRecord.objects.filter(inspection=inspection).exists():
        return
    programme = load_programme(inspection.programme)
    groups = [g.id for g in programme.care_groups] + [None]
    records = [
        ParsedRecord(
            row=n,
            record=f"R-9{n:02d}",
            care_group=groups[n % len(groups)],
            age_band=("0-4", "5-11", "12-15", "16+")[n % 4],
            legal_status="Compulsory supervision order" if n % 2 else "Child protection register",
            area=("North", "South", "East", "West")[n % 4],
        )
        for n in range(1, DEMO_SAMPLE_SIZE + 1)
    ]
    sample_import(actor="demo loader", inspection=inspection, records=records)
    assignments_balance(
        actor="demo loader", inspection=inspection, readers=readers, programme=programme
    )


# The demo is in the second day of its record reading (week 12 of the 2018 timetable):
# notified eleven weeks ago, so the timetable has a past, a present and a future.
DEMO_WEEKS_SINCE_NOTIFICATION = 11


def _timetable_under_way(inspection: Inspection) -> None:
    """Date the demo's plan from today, and record the past stages the work cannot show."""
    plan = inspection.plan
    notified = timezone.localdate() - timedelta(weeks=DEMO_WEEKS_SINCE_NOTIFICATION, days=1)
    plan = plan_notification_move(
        actor="demo loader",
        plan_id=plan.pk,
        expected_version=plan.version,
        notification_date=notified,
    )
    timetable = load_programme(inspection.programme).timetable
    if timetable is None:
        return
    for stage in timetable.stages:
        first_day = notified + timedelta(weeks=stage.week - 1)
        if stage.after or stage.done_when or stage.end_week or first_day >= timezone.localdate():
            continue
        plan = stage_change_set(
            actor="demo loader",
            plan_id=plan.pk,
            expected_version=plan.version,
            stage=stage.id,
            start=None,
            end=None,
            done_on=first_day,
        )
