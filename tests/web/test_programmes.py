"""The programme overview adds up the inspections' own figures, shows only published
inspections by default, and gives a programme manager no case-level datum."""

import csv
import io
import re
import zipfile
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import docx
import orjson
import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from scrutiny.core.bundle import dump_bundle, parse_bundle
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.core.programme_review.demo import (
    DemoPlan,
    make_programme_demo,
    make_programme_plans,
)
from scrutiny.core.statistics import agreed_readings
from scrutiny.core.surveys.completeness import count_returns
from scrutiny.web.accounts.models import User
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.models import Job

from .conftest import signed_in_client

pytestmark = pytest.mark.django_db

PROGRAMME = "care-and-protection-2018"
RECORDS = 8  # small inspections: the sums are what matter


@pytest.fixture
def programme_of_32(db: None) -> list[dict[str, Any]]:
    call_command("load_demo_programme", "--inspections", "32", "--records", str(RECORDS))
    return make_programme_demo(inspections=32, records=RECORDS)


@pytest.fixture
def manager(db: None) -> User:
    return User.objects.create_user(username="pm", password="x" * 12, is_programme_manager=True)


def _expected(bundles: list[dict[str, Any]]) -> dict[str, Any]:
    """The programme's figures recomputed from the bundles themselves, not the database."""
    programme = load_programme(PROGRAMME)
    evaluations: dict[str, Counter[str]] = {e.id: Counter() for e in programme.evaluated}
    statistics: dict[str, list[int]] = {s.id: [0, 0] for s in programme.statistics}
    records = 0
    returns: Counter[str] = Counter()
    themes: dict[tuple[str, str], set[str]] = {}
    limiters: Counter[str] = Counter()
    partnerships = {}
    for data in bundles:
        bundle = parse_bundle(dump_bundle(data))
        evaluation = evaluate(bundle, programme)
        finals = {}
        for ind in evaluation.indicators.values():
            name = programme.scale.name(ind.final) if ind.final is not None else None
            finals[ind.id] = name
            evaluations[ind.id][name] += 1
            for c in ind.limiters:
                limiters[c.title] += 1
        partnerships[bundle.inspection.partnership] = finals
        for key, share in evaluation.statistics.items():
            statistics[key][0] += share.count
            statistics[key][1] += share.denominator
        records += len(agreed_readings(bundle.record_readings))
        # A return answers something (the report counts them so too).
        returns.update(count_returns(bundle.survey_responses))
        section = bundle.report
        assert section is not None
        said = [("key message", s.text) for s in section.key_messages]
        said += [("key message", s.text) for q in section.questions for s in q.key_messages]
        said += [("priority area", s.text) for s in section.priority_areas]
        for kind, text in said:
            themes.setdefault((kind, text), set()).add(bundle.inspection.partnership)
    return {
        "evaluations": evaluations,
        "statistics": statistics,
        "records": records,
        "returns": returns,
        "limiters": limiters,
        "partnerships": partnerships,
        "themes": themes,
    }


def test_the_overview_adds_up_the_inspections_own_figures(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    expected = _expected(programme_of_32)
    client = signed_in_client(manager)
    _token = client  # the page and the API must agree
    page = client.get(reverse("programmes:overview", args=[PROGRAMME]))
    assert page.status_code == 200
    overview = page.context["overview"]
    assert len(overview.inspections) == 32
    assert overview.records_read == expected["records"]
    assert f"{expected['records']} children's records read" in page.content.decode()
    for survey_id, _title, n in overview.survey_returns:
        assert n == expected["returns"][survey_id]
    for total in overview.statistics:
        assert [total.count, total.denominator] == expected["statistics"][total.id]
    scale = load_programme(PROGRAMME).scale
    for ind in overview.indicators:
        counted = {scale.name(v): n for v, n in ind.counts if n}
        if ind.not_final:
            counted[None] = ind.not_final
        assert counted == dict(expected["evaluations"][ind.id]), ind.id
    assert {lim.title: lim.applied for lim in overview.limiters if lim.applied} == dict(
        expected["limiters"]
    )
    # The chart's table and the by-partnership table print the same figures.
    html = page.content.decode()
    for partnership, finals in expected["partnerships"].items():
        row = re.search(rf"<th scope=\"row\">{re.escape(partnership)}</th>(.*?)</tr>", html, re.S)
        assert row, partnership
        for final in finals.values():
            assert (final or "Not final").lower() in row.group(1).lower()


def test_open_data_lists_the_published_evaluations_with_no_internal_ids(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    expected = _expected(programme_of_32)
    client = signed_in_client(manager)
    body = client.get(reverse("programmes:open_data", args=[PROGRAMME, "json"])).json()
    assert set(body["dictionary"]) == set(body["rows"][0])
    got = {(r["partnership"], r["indicator"]): r["evaluation"] or None for r in body["rows"]}
    for partnership, finals in expected["partnerships"].items():
        for indicator, final in finals.items():
            assert got[(partnership, indicator)] == final
    text = client.get(reverse("programmes:open_data", args=[PROGRAMME, "csv"])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 32 * 4
    programme = load_programme(PROGRAMME)
    internal = [r.id for r in programme.limiters] + [g.id for g in programme.care_groups]
    internal += [PROGRAMME, "JI-P"]
    for needle in internal:
        assert needle not in text and needle not in orjson.dumps(body).decode(), needle


def test_only_published_inspections_count_unless_an_administrator_asks(
    programme_of_32: list[dict[str, Any]], manager: User, inspection: Inspection
) -> None:
    # `inspection` (JI-A) is a draft of the same programme.
    page = signed_in_client(manager).get(
        reverse("programmes:overview", args=[PROGRAMME]), {"unpublished": "on"}
    )
    assert len(page.context["overview"].inspections) == 32
    admin = User.objects.create_user(username="adm", password="x" * 12, is_administrator=True)
    page = signed_in_client(admin).get(
        reverse("programmes:overview", args=[PROGRAMME]), {"unpublished": "on"}
    )
    assert len(page.context["overview"].inspections) == 33


def test_it_filters_by_year(programme_of_32: list[dict[str, Any]], manager: User) -> None:
    years = Counter(int(b["inspection"]["start"][:4]) for b in programme_of_32)
    client = signed_in_client(manager)
    for year, n in years.items():
        page = client.get(reverse("programmes:overview", args=[PROGRAMME]), {"year": year})
        assert len(page.context["overview"].inspections) == n
    assert page.context["all_years"] == sorted(years)


def test_a_programme_manager_reaches_no_inspection(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    client = signed_in_client(manager)
    page = client.get(reverse("programmes:overview", args=[PROGRAMME])).content.decode()
    assert "/inspections/" not in page
    for inspection in Inspection.objects.all():
        for name in ("inspections:home", "evidence:list", "records:results", "reports:overview"):
            assert client.get(reverse(name, args=[inspection.pk])).status_code == 404
    assert client.get(reverse("inspections:list")).context["inspections"].count() == 0


def test_the_api_gives_the_same_overview(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    from django.test import Client

    from scrutiny.web.api.services import api_token_create

    expected = _expected(programme_of_32)
    _t, key = api_token_create(actor="test", user=manager, name="t")
    body = (
        Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        .get(reverse("api:programme_overview", args=[PROGRAMME]))
        .json()
    )
    assert body["inspections"] == 32 and body["records_read"] == expected["records"]
    assert body["survey_returns"] == dict(expected["returns"])
    # The API shows no figure the overview page hides, for any year on its own.
    from scrutiny.web.programmes.selectors import overview_for

    for year in {b["inspection"]["start"][:4] for b in programme_of_32}:
        page, _ = overview_for(programme=load_programme(PROGRAMME), years=[int(year)])
        body = (
            Client(HTTP_AUTHORIZATION=f"Bearer {key}")
            .get(reverse("api:programme_overview", args=[PROGRAMME]), {"year": year})
            .json()
        )
        assert str(body["records_read"]) == page.records_read_shown or (
            body["records_read"] is None and not page.records_read_shown.isdigit()
        )
        for survey_id, shown in page.survey_returns_shown.items():
            given = body["survey_returns"][survey_id]
            assert str(given) == shown if shown.isdigit() else given is None
        for s in page.statistics:
            if not s.count_shown:
                assert body["statistics"][s.id]["count"] is None


def test_the_api_hides_a_total_that_would_give_away_a_count_a_report_hid(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    from django.core.cache import cache
    from django.test import Client

    from scrutiny.web.api.services import api_token_create
    from scrutiny.web.programmes.selectors import overview_for
    from scrutiny.web.surveys.models import SurveyResponse

    # One inspection's staff survey down to 3 returns: its own report hides that count,
    # so the year's total, which would give it away, is hidden on the page and in the API.
    inspection = Inspection.objects.order_by("pk").first()
    assert inspection is not None
    staff = SurveyResponse.objects.filter(inspection=inspection, survey="staff")
    keep = list(staff.order_by("pk").values_list("pk", flat=True)[:3])
    staff.exclude(pk__in=keep).delete()
    cache.clear()  # the figures are cached by the published report's version
    year = inspection.start.year
    page, _ = overview_for(programme=load_programme(PROGRAMME), years=[year])
    assert not page.survey_returns_shown["staff"].isdigit()
    _t, key = api_token_create(actor="test", user=manager, name="t")
    body = (
        Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        .get(reverse("api:programme_overview", args=[PROGRAMME]), {"year": year})
        .json()
    )
    assert body["survey_returns"]["staff"] is None
    # The figures cache is keyed by inspection id, which the next test's database reuses.
    cache.clear()


# --- the review of findings, and timelines kept or missed ------------------------------
# Six inspections: the sums are what matter, and tests stay lean.


@pytest.fixture
def programme_of_6(db: None) -> tuple[list[dict[str, Any]], list[DemoPlan]]:
    call_command("load_demo_programme", "--inspections", "6", "--records", str(RECORDS))
    bundles = make_programme_demo(inspections=6, records=RECORDS)
    return bundles, make_programme_plans(bundles)


def _expected_timelines(plans: list[DemoPlan]) -> dict[str, tuple[int, int]]:
    """(kept, missed) per milestone, recomputed from the demo's own dates by the
    methodology's weeks: the draft in week 28, publication in week 35, the action plan
    six weeks after publication. Every date is in the past, so nothing is still due."""
    counts: dict[str, list[int]] = {}
    for p in plans:
        for title, due, done in (
            (
                "Draft report to the partnership",
                p.notification + timedelta(weeks=27),
                p.draft_shared,
            ),
            ("Publication of the report", p.notification + timedelta(weeks=34), p.published),
            ("Action plan due", p.published + timedelta(weeks=6), p.action_plan),
        ):
            kept = done is not None and done <= due
            counts.setdefault(title, [0, 0])[0 if kept else 1] += 1
    return {title: (kept, missed) for title, (kept, missed) in counts.items()}


class _Tables(HTMLParser):
    """Each table of a page by its caption: its rows as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[tuple[int, str]] = []
        self._caption: str | None = None
        self._text: list[str] | None = None
        self._rows: list[list[str]] = []
        self._heading: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("caption", "th", "td") or re.fullmatch(r"h[1-6]", tag):
            self._text = []
            self._heading = int(tag[1]) if tag[0] == "h" and tag[1:].isdigit() else None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._text is None:
            if tag == "table" and self._caption is not None:
                self.tables[self._caption] = self._rows
            return
        text = " ".join("".join(self._text).split())
        if tag == "caption":
            self._caption = text
        elif tag in ("th", "td"):
            self._rows[-1].append(text)
        elif self._heading is not None:
            self.headings.append((self._heading, text))
        self._text = None


def _tables(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def _internal_ids(bundles: list[dict[str, Any]]) -> list[str]:
    """Identifiers the public outputs must never print: the programme's rule, statistic,
    care group and timetable stage ids, the programme's own id, inspection references,
    and the bundles' evidence, statement, record, respondent and concern ids."""
    programme = load_programme(PROGRAMME)
    assert programme.timetable is not None
    ids = [PROGRAMME, "JI-P", "R-001", "C-0001", "SC-1", "E-001", "PA-1"]
    ids += [r.id for r in programme.limiters] + [s.id for s in programme.statistics]
    ids += [g.id for g in programme.care_groups] + [s.id for s in programme.timetable.stages]
    # An id that is a plain word ("aftercare", "publication") is no tell-tale.
    ids = [i for i in ids if "_" in i or "-" in i]
    ids += [b["inspection"]["reference"] for b in bundles]
    return ids


def _docx_text(content: bytes) -> str:
    """Every XML part of a Word file: body, headers, footers and its properties."""
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        return "\n".join(
            zipped.read(name).decode("utf-8") for name in zipped.namelist() if name.endswith(".xml")
        )


def _structure(node: Any, found: Counter[str]) -> None:
    """Count the PDF structure tree's element types (/H1, /H2, /Table ...)."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for kid in node:
            _structure(kid, found)
    elif isinstance(node, dict):
        if "/S" in node:
            found[str(node["/S"])] += 1
        if "/K" in node:
            _structure(node["/K"], found)


def _built(client: Any, run_jobs: Any, fmt: str) -> bytes:
    """The review's PDF or Word file through the job queue, as the overview's link does."""
    url = reverse("programmes:review", args=[PROGRAMME, fmt])
    assert client.get(url).status_code == 200  # the page that offers to make it
    started = client.post(url)
    assert started.status_code == 302
    run_jobs()
    job_page = client.get(started["Location"])
    link = re.search(
        r'href="([^"]+/download/)" download>Download ([^<]+)<', job_page.content.decode()
    )
    assert link, job_page.content.decode()
    response = client.get(link.group(1))
    assert response.status_code == 200
    assert link.group(2) == "review-of-findings-care-and-protection-2018-2020." + fmt
    return b"".join(response.streaming_content)


def test_it_builds_the_review_of_findings_from_the_inspections_own_figures(
    programme_of_6: tuple[list[dict[str, Any]], list[DemoPlan]],
    manager: User,
    run_jobs: Any,
) -> None:
    bundles, plans = programme_of_6
    expected = _expected(bundles)
    programme = load_programme(PROGRAMME)
    scale = programme.scale
    client = signed_in_client(manager)

    # The overview page: timelines kept or missed, with a chart and its table.
    page = client.get(reverse("programmes:overview", args=[PROGRAMME]))
    overview = page.context["overview"]
    timelines = _expected_timelines(plans)
    assert {m.title: (m.kept, m.missed) for m in overview.milestones} == timelines
    assert {m.not_yet_due for m in overview.milestones} == {0}
    assert all(kept and missed for kept, missed in timelines.values())  # the demo shows both
    shown = _tables(page.content.decode()).tables
    rows = shown["Inspections that kept or missed each key milestone of their plans"]
    for title, (kept, missed) in timelines.items():
        row = next(r for r in rows if r[0] == title)
        assert row[1] == "6" and row[2].startswith(f"{kept} (") and row[4].startswith(f"{missed} (")
    for fmt in ("html", "pdf", "docx"):
        assert reverse("programmes:review", args=[PROGRAMME, fmt]) in page.content.decode()

    # The review, as HTML: every figure is the sum of the inspections' own.
    response = client.get(reverse("programmes:review", args=[PROGRAMME, "html"]))
    assert response.status_code == 200
    html = response.content.decode()
    review = _tables(html)
    tables = review.tables
    evaluations = tables[
        "Inspections by evaluation, for each quality indicator (final evaluations only)"
    ]
    labels = evaluations[0][2:]
    for ind in programme.evaluated:
        row = next(r for r in evaluations if r[0] == f"{ind.id} {ind.title}")
        got = {label: int(cell.split()[0]) for label, cell in zip(labels, row[2:], strict=True)}
        want = {scale.label(v): expected["evaluations"][ind.id][scale.name(v)] for v in range(1, 7)}
        assert got == want, ind.id
    limiters = {r[0]: r[2] for r in tables["How often each limiter applied"][1:]}
    for rule in programme.limiters:
        assert limiters[rule.title] == f"{expected['limiters'][rule.title]} of 6"
    counted = dict(tables["What the inspections read and heard, added up"][1:])
    assert counted["Children's records read"] == str(expected["records"])
    for survey in programme.surveys:
        assert counted[f"{survey.title}: returns"] == str(expected["returns"][survey.id])
    for total, statistic in zip(overview.statistics, programme.statistics, strict=True):
        assert [total.count, total.denominator] == expected["statistics"][total.id]
        assert f"{statistic.title}: {total.sentence}." in html.replace("&#x27;", "'")
    rows = tables["Inspections that kept or missed each key milestone of their plans"]
    for title, (kept, missed) in timelines.items():
        row = next(r for r in rows if r[0] == title)
        assert (row[2].split()[0], row[4].split()[0]) == (str(kept), str(missed))
    partnerships = tables["Each partnership's evaluations"]
    for partnership, finals in expected["partnerships"].items():
        row = next(r for r in partnerships if r[0] == partnership)
        assert [c.lower() for c in row[2:]] == [(f or "not final") for f in finals.values()]
    # Themes: every published key message and priority area, with how many made it.
    themed = {
        (r[0], r[1])
        for caption, rows in tables.items()
        if " bearing on " in caption
        for r in rows[1:]
    }
    for (_kind, text), said_by in expected["themes"].items():
        assert (text, f"{len(said_by)} of 6") in themed, text
    headings = review.headings
    assert [h for h in headings if h[0] == 2] == [
        (2, "Contents"),
        (2, "About this review"),
        (2, "Evaluations"),
        (2, "What limited evaluations"),
        (2, "Children's records and surveys"),
        (2, "Timelines kept or missed"),
        (2, "Themes by quality indicator"),
        (2, "Themes by inspection question"),
        (2, "Each partnership's evaluations"),
        (2, "Appendix: the evaluation scale"),
    ]

    # The PDF (the one PDF this suite builds for the review): the same headings, tagged.
    pdf = _built(client, run_jobs, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for _level, heading in headings:
        assert heading in text, heading
    found: Counter[str] = Counter()
    _structure(reader.trailer["/Root"]["/StructTreeRoot"], found)
    assert found["/H1"] == 1
    assert found["/H2"] == sum(1 for level, _ in headings if level == 2)
    assert found["/H3"] == sum(1 for level, _ in headings if level == 3)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == headings[0][1]
    assert (reader.metadata.author, reader.metadata.producer) == ("Care Inspectorate",) * 2
    assert reader.xmp_metadata.pdf_producer == "Care Inspectorate"

    # The Word file: the same headings, in Word's own heading styles.
    content = _built(client, run_jobs, "docx")
    document = docx.Document(io.BytesIO(content))
    word_style = {1: "Title", 2: "Heading 1", 3: "Heading 2"}
    assert [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name in ("Title", "Heading 1", "Heading 2")
    ] == [(word_style[level], heading) for level, heading in headings]
    props = document.core_properties
    assert (props.author, props.last_modified_by, props.language) == (
        "Care Inspectorate",
        "Care Inspectorate",
        "en-GB",
    )
    assert props.title == headings[0][1]

    # No internal identifier, and no library named, in any of the three.
    word = _docx_text(content)
    for needle in _internal_ids(bundles):
        for shown_as, body in (("html", html), ("pdf", text), ("docx", word)):
            assert needle not in body, (needle, shown_as)
    # The documents' properties name the organisation, never the library that wrote them.
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        properties = zipped.read("docProps/core.xml") + zipped.read("docProps/app.xml")
    head = html[: html.index("<style>")]
    for library in ("python-docx", "WeasyPrint", "matplotlib"):
        assert library.lower() not in properties.decode().lower(), library
        assert library.lower() not in head.lower(), library
        assert library.lower() not in str(reader.metadata).lower(), library
        assert library.lower() not in str(reader.xmp_metadata.rdf_root.toxml()).lower(), library

    # Each download is an export in the audit trail, naming the person.
    exports = AuditEvent.objects.filter(
        object_type="programme_review", action=AuditEvent.Action.EXPORT, actor=manager
    )
    assert exports.count() == 3


def test_the_review_gives_a_programme_manager_no_case_level_datum(
    programme_of_6: tuple[list[dict[str, Any]], list[DemoPlan]], manager: User
) -> None:
    bundles, _plans = programme_of_6
    client = signed_in_client(manager)
    html = client.get(reverse("programmes:review", args=[PROGRAMME, "html"])).content.decode()
    page = client.get(reverse("programmes:overview", args=[PROGRAMME])).content.decode()
    statements = {
        s["text"]
        for b in bundles
        for part in ("key_messages", "priority_areas")
        for s in b["report"][part]
    }
    for data in bundles:
        # Evidence notes (those no published statement repeats) and concerns.
        notes = [e["text"] for e in data["evidence"] if e["text"] not in statements]
        notes += [c["summary"] for c in data["significant_concerns"]]
        # Survey answers written by children, parents and staff.
        notes += [
            answer
            for r in data["survey_responses"]
            for answer in r["answers"].values()
            if isinstance(answer, str) and len(answer) > 30
        ]
        notes += [r["record"] for r in data["record_readings"]]
        notes += [r["respondent"] for r in data["survey_responses"]][:20]
        for note in notes:
            assert note not in html and note not in page, note
    # Nor does any link lead to an inspection's own pages.
    assert "/inspections/" not in html and "/inspections/" not in page
    # Without the programme manager's role, the review is not there at all.
    lead = User.objects.create_user(username="lead-only", password="x" * 12)
    assert (
        signed_in_client(lead)
        .get(reverse("programmes:review", args=[PROGRAMME, "html"]))
        .status_code
        == 404
    )


def test_it_follows_only_the_programmes_own_review_builds(
    programme_of_6: tuple[list[dict[str, Any]], list[DemoPlan]], manager: User
) -> None:
    client = signed_in_client(manager)
    started = client.post(reverse("programmes:review", args=[PROGRAMME, "docx"]))
    job = Job.objects.get(pk=int(started["Location"].rstrip("/").split("/")[-1]))
    assert job.inspection is None and job.params["file_type"] == "docx"
    assert client.get(started["Location"]).status_code == 200
    # Another programme's address, or an inspection's job under this one's: 404.
    assert (
        client.get(
            reverse("programmes:review_job", args=["children-at-risk-of-harm-2021", job.pk])
        ).status_code
        == 404
    )
    other = Job.objects.create(title="Import", handler="x", status=Job.Status.DONE)
    assert (
        client.get(reverse("programmes:review_job", args=[PROGRAMME, other.pk])).status_code == 404
    )
    assert client.get(reverse("programmes:review", args=[PROGRAMME, "xlsx"])).status_code == 404
    # The year filter carries through: the demo's six began in 2018.
    url = reverse("programmes:review", args=[PROGRAMME, "html"])
    assert (
        "Drawn from 6 published inspection reports"
        in client.get(url, {"year": 2018}).content.decode()
    )
    assert (
        "No published inspection of this programme began in 2019"
        in client.get(url, {"year": 2019}).content.decode()
    )
