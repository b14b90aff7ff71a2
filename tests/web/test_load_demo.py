"""`make run`'s demo: one inspection, one account per role, logins printed."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.management.commands.load_demo import (
    DEMO_PASSWORD,
    DEMO_SAMPLE_SIZE,
    DEMO_USERS,
)
from scrutiny.web.records.models import Assignment

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", "--records", "20", stdout=out)
    return out.getvalue()


def test_it_loads_one_inspection_and_an_account_per_role() -> None:
    printed = load_demo()
    inspection = Inspection.objects.get()
    roles = dict(
        Membership.objects.filter(inspection=inspection).values_list("user__username", "role")
    )
    assert set(roles.values()) == set(Role.values)
    assert User.objects.get(username="admin").is_administrator
    for username, _, _ in DEMO_USERS:
        assert f"  {username} " in printed
    assert DEMO_PASSWORD in printed


def test_it_can_run_again_without_duplicating_anything() -> None:
    load_demo()
    load_demo()
    assert Inspection.objects.count() == 1
    assert User.objects.count() == len(DEMO_USERS)


def test_each_demo_account_signs_in_with_the_printed_password(settings: Any) -> None:
    load_demo()
    inspection = Inspection.objects.get()
    home = reverse("inspections:home", kwargs={"inspection_id": inspection.pk})
    for username, _, _ in DEMO_USERS:
        client = Client()
        client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
        assert client.get(home).status_code == 200, username


def test_it_gives_the_demo_readers_records_to_read(settings: Any) -> None:
    load_demo()
    load_demo()
    inspection = Inspection.objects.get()
    assigned = Assignment.objects.filter(inspection=inspection, kind=Assignment.Kind.FIRST)
    readers = {a.reader.username for a in assigned}
    assert assigned.count() == DEMO_SAMPLE_SIZE  # the second run added none
    assert readers == {"inspector", "lead"}
    client = Client()
    client.post(reverse("accounts:login"), {"username": "inspector", "password": DEMO_PASSWORD})
    mine = assigned.filter(reader__username="inspector").first()
    form = reverse(
        "records:reading", kwargs={"inspection_id": inspection.pk, "assignment_id": mine.pk}
    )
    assert client.get(form).status_code == 200


def test_make_run_loads_quietly_and_prints_the_logins_on_their_own() -> None:
    quiet = io.StringIO()
    call_command("load_demo", "--records", "20", "--quiet", stdout=quiet)
    assert quiet.getvalue() == "" and Inspection.objects.count() == 1
    logins = io.StringIO()
    call_command("load_demo", "--logins-only", stdout=logins)
    assert DEMO_PASSWORD in logins.getvalue() and "  partner " in logins.getvalue()
    assert Inspection.objects.count() == 1


def test_the_demo_timetable_is_under_way_with_nothing_overdue() -> None:
    load_demo()
    inspection = Inspection.objects.get()
    from django.utils import timezone

    from scrutiny.web.plans.selectors import timeline_for

    timeline = timeline_for(inspection=inspection)
    assert (timezone.localdate() - timeline.plan.notification_date).days == 7 * 11 + 1
    status = {d.stage.id: d.status.value for d in timeline.stages}
    assert status["record_reading"] == "now"
    assert status["coordinators"] == status["self_evaluation"] == "done"
    assert timeline.overdue == []
    # A second load moves nothing.
    version = timeline.plan.version
    load_demo()
    timeline.plan.refresh_from_db()
    assert timeline.plan.version == version


def test_the_demo_inspector_signs_in_to_my_work_and_their_readings() -> None:
    load_demo()
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "inspector", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("work:my_work")
    page = client.get(response["Location"]).content.decode()
    reader = User.objects.get(username="inspector")
    for a in Assignment.objects.filter(reader=reader).exclude(status="submitted"):
        assert reverse("records:reading", args=[a.inspection_id, a.pk]) in page
