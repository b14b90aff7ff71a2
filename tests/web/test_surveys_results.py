"""Survey results: distributions, charts and CSV, with small numbers suppressed everywhere."""

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.surveys.models import Answer, SurveyResponse

SURVEY = "children_and_young_people"


def replace_responses(inspection: Inspection, answers: list[tuple[str | None, str]]) -> None:
    """The children's survey answered by (care group, feel_safe) pairs, in that order."""
    SurveyResponse.objects.filter(inspection=inspection, survey=SURVEY).delete()
    start = 10_000
    for n, (group, value) in enumerate(answers):
        response = SurveyResponse.objects.create(
            inspection=inspection,
            position=start + n,
            survey=SURVEY,
            respondent=f"T-{n}",
            care_group=group,
        )
        Answer.objects.create(response=response, item="feel_safe", value=value)
    # Written here without a service, so audited here as a service would: the pages see
    # a change to the engine's data by its audit row (web/inspections/versioned.py).
    audit_record(
        actor="test", inspection=inspection, action="import", object_type="x", summary="test"
    )


# 40 answers: 3 children say "no" (a small count), 2 of them in residential care.
FORTY = (
    [("foster_care", "yes")] * 20
    + [("kinship_care", "mostly")] * 10
    + [("residential", "no")] * 2
    + [(None, "no")]
    + [(None, "not sure")] * 7
)


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_small_numbers_are_suppressed_on_the_page_in_the_chart_and_in_the_csv(
    client_for: Any, inspection: Inspection
) -> None:
    replace_responses(inspection, FORTY)
    client = client_for("inspector")
    html = client.get(reverse("surveys:results", args=[inspection.pk, SURVEY])).content.decode()
    section = html[html.index('id="item-feel_safe"') : html.index('id="item-listened_to"')]
    tables = re.findall(r"<table.*?</table>", section, re.S)
    overall = page_text(tables[0])
    # "no" is 3: fewer than 5. The total and "not sure" are hidden too, or 3 = 40 - 20 - 10 - 7.
    assert "All respondents not shown 20 10 fewer than 5 not shown" in overall
    # No cell anywhere shows a count of 1 to 4, nor the percentage of one.
    for table in tables:
        cells = re.findall(r"<td>(.*?)</td>", table)
        for cell in cells:
            count = cell.split(" ")[0]
            assert not (count.isdigit() and int(count) < 5), cell
    assert "(8%)" not in section and "(5%)" not in section  # 3/40 and 2/40
    # The charts picture only shown figures: no bar is labelled with a hidden share.
    svgs = re.findall(r"<svg.*?</svg>", section, re.S)
    assert len(svgs) == len(tables) == 2
    assert "Hidden (small numbers)" in svgs[0]
    for svg in svgs:
        labels = set(re.findall(r">(\d+)%<", svg))
        assert not labels & {"8", "5", "3", "2"}, labels

    export = client.get(reverse("surveys:export", args=[inspection.pk, SURVEY]))
    assert export["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    feel_safe = [r for r in rows if r[0] == "feel_safe"]
    no = [r for r in feel_safe if r[2] == "All respondents" and r[4] == "no"]
    # The overall row is in both tables (overall, by care group), hidden alike in each.
    assert [r[3:] for r in no] == [["not shown", "no", "fewer than 5", "fewer than 5"]] * 2
    for r in feel_safe:
        assert not (r[5].isdigit() and int(r[5]) < 5), r
    assert rows[-1][0].startswith("To protect the identity of children")
    assert AuditEvent.objects.filter(object_type="survey_results", action="export").exists()


def test_it_breaks_staff_answers_down_by_role(client_for: Any, inspection: Inspection) -> None:
    html = client_for("lead").get(reverse("surveys:results", args=[inspection.pk, "staff"]))
    text = page_text(html.content.decode())
    assert "By which service do you work in?" in text or "by which service do you work in?" in text


def test_the_feel_safe_share_raises_its_alert_at_the_programmes_threshold(
    client_for: Any, inspection: Inspection
) -> None:
    # 6 of 40 say no: 15%, above the 10% alert level.
    replace_responses(inspection, [("foster_care", "yes")] * 34 + [(None, "no")] * 6)
    html = client_for("lead").get(reverse("surveys:results", args=[inspection.pk, SURVEY]))
    text = page_text(html.content.decode())
    assert (
        "6 of 40 children and young people who answered (15.0%) say they do not feel safe "
        "where they live: at or above the 10% alert level." in text
    )
    assert "Alert: the team must judge whether this is a concerning number" in text
    assert reverse("evaluations:judgement", args=[inspection.pk]) in html.content.decode()

    replace_responses(inspection, [("foster_care", "yes")] * 37 + [(None, "no")] * 3)
    text = page_text(
        client_for("lead").get(reverse("surveys:list", args=[inspection.pk])).content.decode()
    )
    assert (
        "3 of 40 children and young people who answered (7.5%) say they do not feel safe "
        "where they live: below the 10% alert level." in text
    )


def test_the_survey_page_and_the_limiter_panel_say_the_same_of_the_same_figure(
    client_for: Any, inspection: Inspection
) -> None:
    # The finding: the survey page said "fewer than 5 of 6", the limiter panel "1 of 6
    # (16.7%)". The team's own screens now all take the engine's sentence.
    replace_responses(inspection, [("foster_care", "yes")] * 5 + [(None, "no")])
    same = (
        "1 of 6 children and young people who answered (16.7%) say they do not feel safe "
        "where they live"
    )
    lead = client_for("lead")
    pages = {
        "survey list": lead.get(reverse("surveys:list", args=[inspection.pk])),
        "survey results": lead.get(reverse("surveys:results", args=[inspection.pk, SURVEY])),
        "workspace": lead.get(reverse("evaluations:workspace", args=[inspection.pk])),
        "QI 2.1": lead.get(reverse("evaluations:indicator", args=[inspection.pk, "2.1"])),
        "judgement": lead.get(reverse("evaluations:judgement", args=[inspection.pk])),
    }
    for name, response in pages.items():
        text = page_text(response.content.decode())
        assert same in text, name
    # The feel-safe panel no longer hides the count its own limiter panel shows.
    panel = pages["survey list"].content.decode()
    assert "fewer than" not in page_text(panel).lower()


@pytest.mark.parametrize("name", ["surveys:results", "surveys:export"])
def test_results_are_refused_to_roles_without_survey_access(
    name: str, client_for: Any, inspection: Inspection
) -> None:
    url = reverse(name, args=[inspection.pk, SURVEY])
    for persona in ("volunteer", "partner", "outsider"):
        assert client_for(persona).get(url).status_code == 404
