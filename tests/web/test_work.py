"""What waits for each person: What's next on an inspection's page, My work across their
inspections, where they land after signing in, and the e-mails that tell them."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from scrutiny.web.accounts.models import User
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evaluations.models import GroupEvaluation, TeamJudgement
from scrutiny.web.evaluations.services import team_judgement_record
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.records.models import Assignment
from scrutiny.web.reports import services as report_services
from scrutiny.web.reports.models import Comment, Statement
from scrutiny.web.work.models import NotificationSettings

from .report_steps import share
from .test_evaluations_signoff import agree, cite_everything
from .test_records_support import add_sample, assign

pytestmark = pytest.mark.django_db
MY_WORK = reverse("work:my_work")


def _home(inspection: Inspection) -> str:
    return reverse("inspections:home", args=[inspection.pk])


def test_the_demo_inspector_lands_on_my_work_with_links_to_their_readings(
    inspection: Inspection, people: dict[str, User]
) -> None:
    inspector = people["inspector"]
    User.objects.filter(pk=inspector.pk).update(is_demo=True)
    add_sample(inspection, records=4)
    assign(inspection, inspector)
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "inspector", "password": "a-long-test-password"}
    )
    assert response["Location"] == MY_WORK
    # Opening the site's root first (sign-in?next=/) lands there too; a deeper page is kept.
    for start, lands in (("/", MY_WORK), (_home(inspection), _home(inspection))):
        other = Client()
        login = other.get(start)["Location"]
        next_url = login.split("next=")[1].replace("%2F", "/")
        response = other.post(
            login, {"username": "inspector", "password": "a-long-test-password", "next": next_url}
        )
        assert response["Location"] == lands
    page = client.get(MY_WORK).content.decode()
    open_ = Assignment.objects.filter(reader=inspector).order_by("sampled_record__position")
    assert len(open_) == 4
    for a in open_:
        link = reverse("records:reading", args=[inspection.pk, a.pk])
        assert f'href="{link}"' in page
    assert client.get(link).status_code == 200
    assert "Records to read (4)" in page


def test_whats_next_counts_the_inspectors_records_still_to_read(
    inspection: Inspection, people: dict[str, User], client_for: Any
) -> None:
    add_sample(inspection, records=4)
    assign(inspection, people["inspector"])
    Assignment.objects.filter(pk=Assignment.objects.order_by("id").first().pk).update(
        status=Assignment.Status.SUBMITTED
    )
    page = client_for("inspector").get(_home(inspection)).content.decode()
    assert "3 of your 4 records are still to read." in page
    # The volunteer reads no records and is told nothing about them.
    assert "still to read" not in client_for("volunteer").get(_home(inspection)).content.decode()


def test_whats_next_gives_the_pending_reason_from_the_evaluation(
    inspection: Inspection, client_for: Any
) -> None:
    GroupEvaluation.objects.filter(inspection=inspection).delete()
    page = client_for("inspector").get(_home(inspection)).content.decode()
    assert (
        "2.1 is pending: The record sample includes care groups whose wellbeing has not been "
        "evaluated"
    ) in page
    assert f'href="{reverse("evaluations:indicator", args=[inspection.pk, "2.1"])}"' in page


def test_comments_and_sign_off_wait_for_the_roles_that_act_on_them(
    inspection: Inspection, people: dict[str, User], client_for: Any
) -> None:
    share(inspection)
    first = Statement.objects.filter(inspection=inspection).order_by("id").first()
    for text in ("Not quite", "Also this"):
        report_services.comment_add(actor=people["partner"], statement=first, text=text)
    for persona in ("lead", "inspector"):
        assert "2 comments from the partnership to resolve." in (
            client_for(persona).get(MY_WORK).content.decode()
        )
    assert (
        "comments from the partnership" not in client_for("assurer").get(MY_WORK).content.decode()
    )
    for page in (_home(inspection), MY_WORK):
        partner = client_for("partner").get(page).content.decode()
        assert "The team has shared the draft report with you for factual accuracy." in partner
    Comment.objects.update(resolution="Done", resolved_at="2026-01-01T00:00:00Z")
    cite_everything(inspection, people["inspector"])
    team_judgement_record(
        actor=people["lead"],
        inspection=inspection,
        judgement="children_not_safe_concerning",
        decision=False,
        reason="Few children said so, and engagement did not echo it.",
        expected_version=TeamJudgement.objects.filter(inspection=inspection)
        .values_list("version", flat=True)
        .first()
        or 0,
    )
    assert agree(client_for("lead"), inspection).status_code == 302
    page = client_for("assurer").get(MY_WORK).content.decode()
    assert "The team has agreed the evaluations: they wait for your sign-off." in page
    assert "wait for your sign-off" not in client_for("lead").get(MY_WORK).content.decode()


def test_it_says_on_my_work_who_can_act_when_nothing_waits(db: None) -> None:
    nobody = User.objects.create_user(username="new", password="a-long-test-password")
    from .conftest import signed_in_client

    page = signed_in_client(nobody).get(MY_WORK).content.decode()
    assert "You are not a member of any inspection yet." in page
    assert reverse("programmes:list") not in page.split('id="main-content"')[1]
    # A programme manager lands here too: their work is the programme-wide figures.
    User.objects.filter(pk=nobody.pk).update(is_programme_manager=True)
    page = signed_in_client(nobody).get(MY_WORK).content.decode()
    assert f'<a href="{reverse("programmes:list")}">open the programmes</a>' in page


def test_it_e_mails_readers_their_assignments_after_the_commit(
    inspection: Inspection,
    people: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    people["inspector"].email = "inspector@example.org"
    people["inspector"].save()
    people["lead"].email = "lead@example.org"
    people["lead"].save()
    NotificationSettings.objects.create(user=people["lead"], assignments=False)
    add_sample(inspection, records=4)
    with django_capture_on_commit_callbacks(execute=True):
        assign(inspection, people["inspector"], people["lead"])
    [message] = mail.outbox
    assert message.to == ["inspector@example.org"]
    assert message.subject == "Scrutiny: 2 records to read for you in JI-A"
    # The message names no record: only the inspection and where to look.
    assert "S-00" not in message.body
    assert "/my-work/" in message.body


def test_it_e_mails_the_shared_draft_comments_and_sign_off_requests(
    inspection: Inspection,
    people: dict[str, User],
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for name in ("lead", "inspector", "assurer", "partner"):
        people[name].email = f"{name}@example.org"
        people[name].save()
    with django_capture_on_commit_callbacks(execute=True):
        share(inspection)
    assert [m.to for m in mail.outbox] == [["partner@example.org"]]
    first = Statement.objects.filter(inspection=inspection).order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        report_services.comment_add(actor=people["partner"], statement=first, text="A fact")
    assert sorted(m.to[0] for m in mail.outbox[1:]) == ["inspector@example.org", "lead@example.org"]
    cite_everything(inspection, people["inspector"])
    team_judgement_record(
        actor=people["lead"],
        inspection=inspection,
        judgement="children_not_safe_concerning",
        decision=False,
        reason="Few children said so, and engagement did not echo it.",
        expected_version=TeamJudgement.objects.filter(inspection=inspection)
        .values_list("version", flat=True)
        .first()
        or 0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        agree(client_for("lead"), inspection)
    assert mail.outbox[-1].to == ["assurer@example.org"]
    assert "sign-off" in mail.outbox[-1].subject


def test_it_sends_no_e_mail_of_a_kind_its_recipient_turned_off(
    inspection: Inspection,
    people: dict[str, User],
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Each person turns one kind off; the others still reach them.
    off = {"partner": "shared_draft", "lead": "comments", "assurer": "sign_off"}
    off |= {"inspector": "assignments"}
    for name, kind in off.items():
        people[name].email = f"{name}@example.org"
        people[name].save()
        NotificationSettings.objects.create(user=people[name], **{kind: False})

    def sent(step: Any) -> list[str]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            step()
        return sorted(address for m in mail.outbox for address in m.to)

    add_sample(inspection, records=4)
    assert sent(lambda: assign(inspection, people["inspector"], people["lead"])) == [
        "lead@example.org"
    ]
    assert sent(lambda: share(inspection)) == []
    first = Statement.objects.filter(inspection=inspection).order_by("id").first()
    assert sent(
        lambda: report_services.comment_add(actor=people["partner"], statement=first, text="A")
    ) == ["inspector@example.org"]
    cite_everything(inspection, people["inspector"])
    team_judgement_record(
        actor=people["lead"],
        inspection=inspection,
        judgement="children_not_safe_concerning",
        decision=False,
        reason="Few children said so, and engagement did not echo it.",
        expected_version=TeamJudgement.objects.filter(inspection=inspection)
        .values_list("version", flat=True)
        .first()
        or 0,
    )
    assert sent(lambda: agree(client_for("lead"), inspection)) == []


def test_each_person_turns_notifications_off_and_the_change_is_audited(
    people: dict[str, User], client_for: Any
) -> None:
    client = client_for("inspector")
    url = reverse("work:notifications")
    assert client.get(url).status_code == 200
    response = client.post(url, {"shared_draft": "on", "comments": "on", "version": 1})
    assert response.status_code == 302
    row = NotificationSettings.objects.get(user=people["inspector"])
    assert (row.assignments, row.shared_draft, row.comments, row.sign_off) == (
        False,
        True,
        True,
        False,
    )
    event = AuditEvent.objects.get(object_type="notification_settings")
    assert event.before["assignments"] is True and event.after["assignments"] is False
    stale = client.post(url, {"version": 1})
    assert stale.status_code == 409


def test_my_work_lists_the_statements_a_person_wrote(
    inspection: Inspection, people: dict[str, User], client_for: Any
) -> None:
    mine = report_services.statement_create(
        actor=people["inspector"],
        inspection=inspection,
        part="strengths",
        question=2,
        text="Staff knew the children well and acted quickly on concerns.",
        plain=None,
        evidence_ids=[],
    )
    page = client_for("inspector").get(MY_WORK).content.decode()
    assert "Your report statements (1)" in page
    assert reverse("reports:statement_edit", args=[inspection.pk, mine.pk]) in page
    assert "Your report statements" not in client_for("lead").get(MY_WORK).content.decode()


def test_a_change_rolled_back_sends_no_e_mail(
    inspection: Inspection,
    people: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import transaction

    people["inspector"].email = "inspector@example.org"
    people["inspector"].save()
    add_sample(inspection, records=2)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            assign(inspection, people["inspector"])
            raise RuntimeError("something later in the same change failed")
    assert mail.outbox == []
    assert not Assignment.objects.filter(reader=people["inspector"]).exists()
