"""Another inspection's ids in the URL give 404, never data (insecure direct object refs)."""

import re
from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.inspections.models import Inspection, Membership

pytestmark = pytest.mark.django_db


def test_it_hides_inspection_a_from_the_lead_of_b(client_for: Any, inspection: Inspection) -> None:
    client = client_for("outsider")
    for name in (
        "inspections:home",
        "records:list",
        "evidence:list",
        "audit:list",
        "inspections:export",
    ):
        response = client.get(reverse(name, kwargs={"inspection_id": inspection.pk}))
        assert response.status_code == 404, name
        assert inspection.partnership.encode() not in response.content


def test_it_refuses_a_reading_of_a_through_b(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    reading = inspection.record_readings.first()
    url = reverse(
        "records:detail", kwargs={"inspection_id": other_inspection.pk, "reading_id": reading.pk}
    )
    response = client_for("outsider").get(url)
    assert response.status_code == 404
    assert reading.record.encode() not in response.content


def test_it_refuses_evidence_of_a_through_b(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    note = inspection.evidence.first()
    for name in ("evidence:detail", "evidence:edit"):
        url = reverse(name, kwargs={"inspection_id": other_inspection.pk, "evidence_id": note.pk})
        assert client_for("outsider").get(url).status_code == 404


def test_it_refuses_to_remove_a_member_of_a_through_b(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    member = Membership.objects.filter(inspection=inspection).first()
    url = reverse(
        "inspections:team_remove",
        kwargs={"inspection_id": other_inspection.pk, "membership_id": member.pk},
    )
    assert client_for("outsider").post(url).status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()


def test_it_gives_the_same_404_for_missing_and_forbidden(
    client_for: Any, inspection: Inspection
) -> None:
    client = client_for("outsider")
    forbidden = client.get(reverse("inspections:home", kwargs={"inspection_id": inspection.pk}))
    missing = client.get(reverse("inspections:home", kwargs={"inspection_id": 999_999}))
    assert forbidden.status_code == missing.status_code == 404

    # Identical pages, apart from the per-request CSRF token in the sign-out form.
    def page(r: Any) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())

    assert page(forbidden) == page(missing)


def test_it_lists_only_the_inspections_a_person_belongs_to(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    page = client_for("lead").get(reverse("inspections:list")).content.decode()
    assert inspection.reference in page
    assert other_inspection.reference not in page
    everything = client_for("admin").get(reverse("inspections:list")).content.decode()
    assert inspection.reference in everything and other_inspection.reference in everything


def test_it_keeps_case_data_from_the_administrator(client_for: Any, inspection: Inspection) -> None:
    client = client_for("admin")
    home = client.get(reverse("inspections:home", kwargs={"inspection_id": inspection.pk}))
    assert home.status_code == 200
    assert b"Records read" not in home.content
    assert (
        client.get(reverse("records:list", kwargs={"inspection_id": inspection.pk})).status_code
        == 404
    )


def test_it_shows_the_partnership_contact_no_progress_or_evaluations(
    client_for: Any, inspection: Inspection
) -> None:
    home = (
        client_for("partner")
        .get(reverse("inspections:home", kwargs={"inspection_id": inspection.pk}))
        .content.decode()
    )
    assert "Evaluations" not in home and "Records read" not in home
    assert "Nothing has been shared with you" in home
    assert "Joint inspections of services for children and young people" in home


def test_it_shows_volunteers_progress_but_no_record_links(
    client_for: Any, inspection: Inspection
) -> None:
    home = (
        client_for("volunteer")
        .get(reverse("inspections:home", kwargs={"inspection_id": inspection.pk}))
        .content.decode()
    )
    assert "Records read" in home
    assert reverse("records:list", kwargs={"inspection_id": inspection.pk}) not in home
    assert reverse("evidence:list", kwargs={"inspection_id": inspection.pk}) in home


def test_it_refuses_report_statements_and_comments_of_a_through_b(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    from scrutiny.web.reports.models import Comment, Statement

    statement = Statement.objects.filter(inspection=inspection).first()
    comment = Comment.objects.create(
        inspection=inspection,
        statement=statement,
        statement_text=statement.text,
        where="Key messages",
        text="A partnership comment",
    )
    outsider = client_for("outsider")
    for name in ("statement_edit", "statement_delete", "statement_comment"):
        url = reverse(
            f"reports:{name}",
            kwargs={"inspection_id": other_inspection.pk, "statement_id": statement.pk},
        )
        response = outsider.get(url)
        assert response.status_code == 404, name
        assert statement.text.encode() not in response.content
    move = reverse(
        "reports:statement_move",
        kwargs={"inspection_id": other_inspection.pk, "statement_id": statement.pk},
    )
    assert outsider.post(move, {"direction": "down"}).status_code == 404
    resolve = reverse(
        "reports:comment_resolve",
        kwargs={"inspection_id": other_inspection.pk, "comment_id": comment.pk},
    )
    assert outsider.get(resolve).status_code == 404
    assert outsider.post(resolve, {"version": 1, "resolution": "x"}).status_code == 404
    comment.refresh_from_db()
    assert comment.resolution == ""
    for name in ("overview", "shared_draft"):
        response = outsider.get(reverse(f"reports:{name}", kwargs={"inspection_id": inspection.pk}))
        assert response.status_code == 404


def test_it_refuses_a_document_the_partnership_of_a_sent_through_b(
    client_for: Any, inspection: Inspection, other_inspection: Inspection, settings: Any
) -> None:
    from pathlib import Path

    from scrutiny.web.evidence.services import Upload
    from scrutiny.web.partnership.models import SentDocument
    from scrutiny.web.partnership.services import sent_document_create

    staged = Path(settings.ATTACHMENTS_DIR) / "minutes.pdf"
    staged.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sent = sent_document_create(
        actor="test",
        inspection=inspection,
        kind="document",
        title="Chief officers' minutes",
        upload=Upload(path=staged, file_name="minutes.pdf"),
    )
    outsider = client_for("outsider")  # the lead of B
    for name in ("partnership:decide", "partnership:file"):
        url = reverse(name, kwargs={"inspection_id": other_inspection.pk, "document_id": sent.pk})
        response = outsider.get(url)
        assert response.status_code == 404, name
        assert b"Chief officers" not in response.content
    outsider.post(
        reverse(
            "partnership:decide",
            kwargs={"inspection_id": other_inspection.pk, "document_id": sent.pk},
        ),
        {"decision": "return", "reason": "Not ours.", "version": sent.version},
    )
    assert SentDocument.objects.get(pk=sent.pk).status == SentDocument.Status.SENT


def test_it_refuses_to_change_the_role_of_a_member_of_a_through_b(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    member = Membership.objects.filter(inspection=inspection, user__username="inspector").get()
    url = reverse(
        "inspections:team_role",
        kwargs={"inspection_id": other_inspection.pk, "membership_id": member.pk},
    )
    assert client_for("outsider").post(url, {"role": "lead_inspector"}).status_code == 404
    member.refresh_from_db()
    assert member.role == "inspector"
