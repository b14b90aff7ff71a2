"""Two people editing the same thing: the second save is refused, nothing overwritten."""

from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.evaluations.models import TeamJudgement
from scrutiny.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def edit_form(inspection: Inspection, **changes: Any) -> dict[str, Any]:
    data = {
        "partnership": inspection.partnership,
        "start": inspection.start.isoformat(),
        "end": "",
        "version": inspection.version,
    }
    data.update(changes)
    return data


def test_it_refuses_the_second_of_two_saves(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    url = reverse("inspections:edit", kwargs={"inspection_id": inspection.pk})
    lead, admin = client_for("lead"), client_for("admin")
    # Both open the form at version 1.
    assert lead.get(url).status_code == admin.get(url).status_code == 200
    first = lead.post(url, edit_form(inspection, end="2019-09-30"))
    assert first.status_code == 302
    second = admin.post(url, edit_form(inspection, partnership="Overwritten"))
    assert second.status_code == 409
    assert "Someone else changed this since you opened it" in second.content.decode()
    # The refused entry is still on the page, so no work is lost.
    assert 'value="Overwritten"' in second.content.decode()
    inspection.refresh_from_db()
    assert (str(inspection.end), inspection.version) == ("2019-09-30", 2)
    assert inspection.partnership != "Overwritten"


def test_it_refuses_a_stale_evidence_edit(client_for: Any, inspection: Inspection) -> None:
    note = inspection.evidence.first()
    url = reverse("evidence:edit", kwargs={"inspection_id": inspection.pk, "evidence_id": note.pk})
    form = {
        "source": note.source,
        "text": "First version",
        "kind": "strength",
        "version": note.version,
    }
    assert client_for("lead").post(url, form).status_code == 302
    stale = client_for("inspector").post(url, {**form, "text": "Second version"})
    assert stale.status_code == 409
    note.refresh_from_db()
    assert (note.text, note.version) == ("First version", 2)


def test_it_leaves_the_teams_judgement_out_of_the_inspections_edit_form(
    client_for: Any, inspection: Inspection
) -> None:
    # The judgement caps QI 2.1: it changes only from the evaluation workspace, with a
    # reason, under the moderation lock; never as a detail of the inspection.
    url = reverse("inspections:edit", kwargs={"inspection_id": inspection.pk})
    for persona in ("lead", "admin"):
        page = client_for(persona).get(url).content.decode()
        assert "children_not_safe_concerning" not in page
        assert "concerning number" not in page
        posted = client_for(persona).post(
            url, {**edit_form(inspection), "children_not_safe_concerning": "true"}
        )
        assert posted.status_code == 302
        inspection.refresh_from_db()
    row = TeamJudgement.objects.get(inspection=inspection)
    assert (row.decision, row.version) == (False, 1)
