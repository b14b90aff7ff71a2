"""The partnership's part (issue 14, items 3 to 5): its own narrow pages, the documents
it sends and the team accepts into evidence, its local readers, and the action plan and
progress review after publication.

Word documents are made with python-docx and PDFs with WeasyPrint, the tools whose files
these are; every limit (30 pages, 5,000 words) is pinned here."""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scrutiny.core.partnership import (
    POSITION_STATEMENT_MAX_WORDS,
    SELF_EVALUATION_MAX_PAGES,
    lead_document_for,
)
from scrutiny.core.timetable import StageStatus
from scrutiny.web.accounts.models import User
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.partnership.models import ActionPlan, ProgressReview, SentDocument
from scrutiny.web.partnership.selectors import priority_areas
from scrutiny.web.plans.models import Plan
from scrutiny.web.plans.selectors import timeline_for
from scrutiny.web.records.models import Assignment, RecordReading
from scrutiny.web.reports.models import Report

from .conftest import signed_in_client
from .test_records_support import add_sample, assign, choose_second, full_ratings, submit

pytestmark = pytest.mark.django_db

TEAM_PAGES = [
    "inspections:team",
    "plans:timetable",
    "records:sample",
    "records:list",
    "evidence:list",
    "evaluations:workspace",
    "reports:overview",
    "partnership:documents",
    "partnership:readers",
    "audit:list",
]


def url(name: str, inspection: Inspection, **kwargs: Any) -> str:
    return reverse(f"partnership:{name}", kwargs={"inspection_id": inspection.pk, **kwargs})


def word_document(words: int) -> bytes:
    document = docx.Document()
    document.add_heading("Position statement", level=1)  # 2 words
    body = words - 2
    while body > 0:
        n = min(body, 100)
        document.add_paragraph(" ".join(["children"] * n))
        body -= n
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_document(pages: int) -> bytes:
    html = "".join(
        f'<p style="break-after: page">Self-evaluation page {n}</p>' for n in range(pages)
    )
    return weasyprint.HTML(string=html).write_pdf()


def send(client: Any, inspection: Inspection, kind: str, name: str, content: bytes) -> Any:
    return client.post(
        url("send", inspection),
        {"kind": kind, "title": f"Our {kind}", "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def inspection_2021(people: dict[str, User], inspection: Inspection) -> Inspection:
    """Inspection A on the 2021 programme, which asks for a position statement."""
    Inspection.objects.filter(pk=inspection.pk).update(programme="children-at-risk-of-harm-2021")
    inspection.refresh_from_db()
    return inspection


def test_it_asks_each_programme_for_its_own_lead_document() -> None:
    assert SELF_EVALUATION_MAX_PAGES == 30 and POSITION_STATEMENT_MAX_WORDS == 5000
    assert lead_document_for({"self_evaluation"}).max_pages == 30  # type: ignore[union-attr]
    assert lead_document_for({"position_statement"}).max_words == 5000  # type: ignore[union-attr]
    assert lead_document_for({"fieldwork"}) is None


def test_it_shows_the_partnership_what_is_asked_of_it_and_when(
    client_for: Any, inspection: Inspection
) -> None:
    page = client_for("partner").get(url("home", inspection)).content.decode()
    assert "Stages asked of the partnership" in page
    for title in ("co-ordinators named", "Joint self-evaluation due", "Action plan"):
        assert title in page
    # The team's own stages are not on it.
    assert "Reading of children&#x27;s records" not in page and "QA panel" not in page


def test_it_takes_a_position_statement_of_5000_words_and_refuses_5001(
    client_for: Any, inspection_2021: Inspection, tmp_path: Path
) -> None:
    partner = client_for("partner")
    over = send(partner, inspection_2021, "position_statement", "ps.docx", word_document(5001))
    assert over.status_code == 422
    assert "The position statement has 5,001 words; it may have at most 5,000 words" in (
        over.content.decode()
    )
    assert not SentDocument.objects.exists()
    ok = send(partner, inspection_2021, "position_statement", "ps.docx", word_document(5000))
    assert ok.status_code == 302
    sent = SentDocument.objects.get()
    assert sent.kind == "position_statement" and sent.length.endswith("5,000 words")
    assert AuditEvent.objects.filter(object_type="sent_document", action="create").count() == 1


def test_it_marks_the_position_statement_done_once_sent_and_open_again_once_returned(
    client_for: Any, inspection_2021: Inspection
) -> None:
    # Notified six weeks ago: the position statement (week 5) is overdue.
    Plan.objects.filter(inspection=inspection_2021).update(
        notification_date=timezone.localdate() - timedelta(weeks=6)
    )
    partner, overdue = client_for("partner"), "Overdue: Position statement due"
    assert overdue in partner.get(reverse("work:my_work")).content.decode()
    send(partner, inspection_2021, "position_statement", "ps.docx", word_document(120))
    for page in (reverse("work:my_work"), url("home", inspection_2021)):
        assert overdue not in partner.get(page).content.decode()
    status = {d.stage.id: d for d in timeline_for(inspection=inspection_2021).stages}
    assert status["position_statement"].status is StageStatus.DONE
    assert status["position_statement"].done_text == "The partnership has sent it to the team"
    # Returned, it is asked for again.
    sent = SentDocument.objects.get()
    client_for("inspector").post(
        url("decide", inspection_2021, document_id=sent.pk),
        {"decision": "return", "reason": "This is last year's statement.", "version": 1},
    )
    assert overdue in partner.get(reverse("work:my_work")).content.decode()
    # Sent by other means, the lead records it done.
    plan = Plan.objects.get(inspection=inspection_2021)
    stage = reverse(
        "plans:stage", kwargs={"inspection_id": inspection_2021.pk, "stage": "position_statement"}
    )
    assert 'name="done_on"' in client_for("lead").get(stage).content.decode()
    done = client_for("lead").post(
        stage, {"done_on": timezone.localdate().isoformat(), "version": plan.version}
    )
    assert done.status_code == 302
    assert overdue not in partner.get(reverse("work:my_work")).content.decode()


def test_it_refuses_a_self_evaluation_over_30_pages(
    client_for: Any, inspection: Inspection
) -> None:
    partner = client_for("partner")
    over = send(partner, inspection, "self_evaluation", "se.pdf", pdf_document(31))
    assert over.status_code == 422
    assert "The joint self-evaluation has 31 pages; it may have at most 30 pages" in (
        over.content.decode()
    )
    ok = send(partner, inspection, "self_evaluation", "se.pdf", pdf_document(30))
    assert ok.status_code == 302
    assert SentDocument.objects.get().length.startswith("30 pages")


def test_it_checks_sent_files_as_evidence_attachments_are(
    client_for: Any, inspection: Inspection
) -> None:
    page = send(client_for("partner"), inspection, "document", "notes.pdf", b"MZ not a pdf")
    assert page.status_code == 422
    assert "is not a PDF, a Word document (.docx) or an image" in page.content.decode()
    assert not SentDocument.objects.exists()
    # The 2018 programme asks for a self-evaluation, not a position statement.
    wrong = send(client_for("partner"), inspection, "position_statement", "a.docx", b"x")
    assert wrong.status_code == 422 and not SentDocument.objects.exists()


def test_the_team_accepts_a_document_into_evidence_or_returns_it(
    client_for: Any, inspection_2021: Inspection
) -> None:
    partner = client_for("partner")
    send(partner, inspection_2021, "position_statement", "ps.docx", word_document(120))
    send(partner, inspection_2021, "document", "minutes.pdf", pdf_document(2))
    statement, minutes = sorted(SentDocument.objects.all(), key=lambda d: d.kind)[::-1]
    inspector = client_for("inspector")
    decide = url("decide", inspection_2021, document_id=statement.pk)
    accepted = inspector.post(
        decide, {"decision": "accept", "summary": "Sets out the partnership's view.", "version": 1}
    )
    assert accepted.status_code == 302
    statement.refresh_from_db()
    note = statement.evidence
    assert statement.status == "accepted" and note is not None
    assert note.source == Evidence.Source.POSITION_STATEMENT
    assert "Sets out the partnership's view." in note.text
    [attachment] = note.attachments.all()
    assert attachment.sha256 == statement.sha256 and attachment.file_name == "ps.docx"
    # Returning needs a reason; with one, the partnership sees it.
    refused = inspector.post(
        url("decide", inspection_2021, document_id=minutes.pk),
        {"decision": "return", "reason": "", "version": 1},
    )
    assert refused.status_code == 422 and "Say why the document is returned" in (
        refused.content.decode()
    )
    inspector.post(
        url("decide", inspection_2021, document_id=minutes.pk),
        {"decision": "return", "reason": "Please send the signed minutes.", "version": 1},
    )
    home = partner.get(url("home", inspection_2021)).content.decode()
    assert "Please send the signed minutes." in home and "Accepted into evidence" in home
    actions = set(
        AuditEvent.objects.filter(object_type="sent_document").values_list("summary", flat=True)
    )
    assert any(s.startswith("Accepted Our position_statement into evidence as E-") for s in actions)
    assert any(s.startswith("Returned Our document") for s in actions)
    # The file comes only as a download through the checked view, and the read is logged.
    download = inspector.get(url("file", inspection_2021, document_id=minutes.pk))
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        object_type="sent_document", action=AuditEvent.Action.EXPORT, actor__username="inspector"
    ).exists()
    # The team's documents page is the team's: the partnership gets 404.
    assert partner.get(url("documents", inspection_2021)).status_code == 404


def test_the_contact_names_coordinators_who_see_only_the_partnerships_pages(
    client_for: Any, inspection: Inspection
) -> None:
    coordinator = User.objects.create_user(username="coord", email="coord@example.org")
    partner = client_for("partner")
    unknown = partner.post(url("coordinators", inspection), {"email": "nobody@example.org"})
    assert unknown.status_code == 422 and "No one can sign in with nobody@example.org" in (
        unknown.content.decode()
    )
    assert (
        partner.post(url("coordinators", inspection), {"email": "COORD@example.org"}).status_code
        == 302
    )
    assert Membership.objects.get(user=coordinator).role == Role.PARTNERSHIP_COORDINATOR
    client = signed_in_client(coordinator)
    assert client.get(url("home", inspection)).status_code == 200
    assert client.get(url("send", inspection)).status_code == 200
    # Only the contact names co-ordinators; no team page opens.
    assert client.get(url("coordinators", inspection)).status_code == 404
    for name in TEAM_PAGES:
        page = reverse(name, kwargs={"inspection_id": inspection.pk})
        assert client.get(page).status_code == 404, name


def test_the_partnership_contact_gets_404_on_every_team_page(
    client_for: Any, inspection: Inspection
) -> None:
    partner = client_for("partner")
    for name in TEAM_PAGES:
        page = reverse(name, kwargs={"inspection_id": inspection.pk})
        assert partner.get(page).status_code == 404, name


def test_a_partnership_reader_reads_an_assigned_record_and_nothing_else(
    client_for: Any, inspection: Inspection, people: dict[str, User]
) -> None:
    add_sample(inspection, records=4)
    assign(inspection, people["reader"], people["inspector"])
    mine = Assignment.objects.filter(reader=people["reader"]).first()
    theirs = Assignment.objects.filter(reader=people["inspector"]).first()
    reader = client_for("reader")
    form = lambda a: reverse(  # noqa: E731
        "records:reading", kwargs={"inspection_id": inspection.pk, "assignment_id": a.pk}
    )
    page = reader.get(form(mine))
    assert page.status_code == 200 and mine.sampled_record.record in page.content.decode()
    assert reader.get(form(theirs)).status_code == 404
    submit(mine, full_ratings(inspection))
    done = reader.get(form(mine)).content.decode()
    assert "records/sample" not in done and reverse("work:my_work") in done
    reading = RecordReading.objects.filter(reader="reader").first()
    assert reading is not None
    detail = reverse(
        "records:detail", kwargs={"inspection_id": inspection.pk, "reading_id": reading.pk}
    )
    assert reader.get(detail).status_code == 404
    for name in TEAM_PAGES:
        assert reader.get(reverse(name, kwargs={"inspection_id": inspection.pk})).status_code == 404
    my_work = reader.get(reverse("work:my_work")).content.decode()
    assert form(Assignment.objects.filter(reader=people["reader"]).last()) in my_work


def test_a_partnership_readers_reading_takes_part_in_second_readings(
    client_for: Any, inspection: Inspection, people: dict[str, User]
) -> None:
    add_sample(inspection, records=2)
    assign(inspection, people["inspector"])
    first = Assignment.objects.filter(reader=people["inspector"]).first()
    record = first.sampled_record.record
    submit(first, full_ratings(inspection, 4))
    [second] = choose_second(inspection, people["reader"], records=[record])
    assert second.reader == people["reader"]
    submit(second, full_ratings(inspection, 4, chronology=2))
    compare = reverse("records:compare", kwargs={"inspection_id": inspection.pk, "record": record})
    page = client_for("lead").get(compare)
    assert page.status_code == 200 and "They differ on 1 item" in page.content.decode()


def test_the_lead_pairs_a_reader_with_an_inspector_shown_on_the_sample_page(
    client_for: Any, inspection: Inspection, people: dict[str, User]
) -> None:
    add_sample(inspection, records=2)
    assign(inspection, people["reader"])
    lead = client_for("lead")
    wrong = lead.post(
        url("readers", inspection),
        {"reader": people["reader"].pk, "inspector": people["assurer"].pk},
    )
    assert wrong.status_code == 422
    ok = lead.post(
        url("readers", inspection),
        {"reader": people["reader"].pk, "inspector": people["inspector"].pk},
    )
    assert ok.status_code == 302
    sample = lead.get(reverse("records:sample", kwargs={"inspection_id": inspection.pk}))
    assert "Reads with" in sample.content.decode()
    assert "inspector (partnership reader)" in sample.content.decode()
    assert AuditEvent.objects.filter(object_type="reader_pairing").count() == 1


def test_after_publication_the_partnership_submits_an_action_plan_the_link_inspector_reviews(
    client_for: Any, inspection: Inspection, people: dict[str, User]
) -> None:
    partner, lead, inspector = (client_for(p) for p in ("partner", "lead", "inspector"))
    before = partner.get(url("action_add", inspection))
    assert before.status_code == 302  # not published: back to the plan, which says why
    assert (
        "opens when the report is published"
        in partner.get(url("action_plan", inspection)).content.decode()
    )
    Report.objects.filter(inspection=inspection).update(status=Report.Status.PUBLISHED)
    areas = priority_areas(inspection=inspection)
    assert areas
    # Published, the lead is asked to name the link inspector, and no longer once named.
    prompt = "name the link inspector who reviews the partnership&#x27;s action plan"
    assert prompt in lead.get(reverse("work:my_work")).content.decode()
    assert prompt not in inspector.get(reverse("work:my_work")).content.decode()
    lead.post(url("link_inspector", inspection), {"user": people["inspector"].pk})
    assert prompt not in lead.get(reverse("work:my_work")).content.decode()
    add = lambda area: partner.post(  # noqa: E731
        url("action_add", inspection),
        {
            "statement": area.pk,
            "text": "Audit every child's plan each quarter.",
            "owner": "Chief social work officer",
            "due": "2027-03-31",
            "status": "not_started",
        },
    )
    assert add(areas[0]).status_code == 302
    plan = ActionPlan.objects.get(inspection=inspection)
    if len(areas) > 1:  # every area needs an action before the plan goes
        partner.post(url("action_plan_submit", inspection), {"version": plan.version})
        plan.refresh_from_db()
        assert plan.status == "draft"
        for area in areas[1:]:
            add(area)
        plan.refresh_from_db()
    partner.post(url("action_plan_submit", inspection), {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.SUBMITTED
    # The lead is not the link inspector: their review is refused.
    refused = lead.post(
        url("action_plan_review", inspection),
        {"decision": "accept", "comments": "", "version": plan.version},
    )
    assert refused.status_code == 422
    assert "Only the link inspector reviews the action plan." in refused.content.decode()
    returned = inspector.post(
        url("action_plan_review", inspection),
        {"decision": "return", "comments": "Give each action a measure.", "version": plan.version},
    )
    assert returned.status_code == 302
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.RETURNED
    assert (
        "Give each action a measure."
        in partner.get(url("action_plan", inspection)).content.decode()
    )
    summaries = list(
        AuditEvent.objects.filter(object_type="action_plan").values_list("summary", flat=True)
    )
    assert "The partnership submitted its action plan" in summaries
    assert "The link inspector returned the action plan" in summaries


def test_a_progress_review_is_opened_and_listed_with_its_inspection(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    not_yet = lead.post(url("progress_review", inspection), {"start": "2027-06-01"})
    assert not_yet.status_code == 422 and "follows a published report" in (not_yet.content.decode())
    Report.objects.filter(inspection=inspection).update(status=Report.Status.PUBLISHED)
    opened = lead.post(url("progress_review", inspection), {"start": "2027-06-01"})
    assert opened.status_code == 302
    link = ProgressReview.objects.get(original=inspection)
    review = link.review
    assert review.reference == "JI-A-PR1" and review.programme == inspection.programme
    assert opened["Location"] == reverse("inspections:home", kwargs={"inspection_id": review.pk})
    home = lead.get(reverse("inspections:home", kwargs={"inspection_id": inspection.pk}))
    assert "JI-A-PR1" in home.content.decode()
    review_home = lead.get(opened["Location"]).content.decode()
    assert "Progress review of" in review_home and "JI-A" in review_home
    listing = lead.get(reverse("inspections:list")).content.decode()
    assert "Progress review JI-A-PR1" in listing and "Progress review of JI-A" in listing
    assert AuditEvent.objects.filter(inspection=review, object_type="progress_review").exists()


def test_it_dates_the_action_plan_from_publication_and_marks_it_done_once_submitted(
    client_for: Any, inspection: Inspection
) -> None:
    # Published seven weeks ago, whatever the timetable planned: the plan is a week late.
    published = timezone.now() - timedelta(weeks=7)
    Report.objects.filter(inspection=inspection).update(
        status=Report.Status.PUBLISHED, published_at=published
    )
    due = f"{timezone.localdate(published) + timedelta(weeks=6):%-d %B %Y}"
    partner, my_work = client_for("partner"), reverse("work:my_work")
    page = partner.get(my_work).content.decode()
    assert f"Overdue: Action plan due, due {due}." in page
    assert f"The report is published: the action plan is due by {due}." in page
    plan = ActionPlan.objects.create(inspection=inspection, status=ActionPlan.Status.SUBMITTED)
    assert "Action plan due" not in partner.get(my_work).content.decode()
    stages = {d.stage.id: d for d in timeline_for(inspection=inspection).stages}
    assert stages["action_plan"].done_text == "The partnership has submitted its action plan"
    # Returned by the link inspector, it is asked for again.
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.RETURNED)
    assert f"Overdue: Action plan due, due {due}." in partner.get(my_work).content.decode()
    # Opening a progress review completes the timetable's last stage.
    client_for("lead").post(url("progress_review", inspection), {"start": "2027-06-01"})
    stages = {d.stage.id: d for d in timeline_for(inspection=inspection).stages}
    assert stages["progress_review"].status is StageStatus.DONE
