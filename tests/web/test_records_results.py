"""Results and agreement pages: distributions by care group, shares, the limiter live
from the engine with its sensitivity, exports safe for spreadsheets, older readings
counted, and a constant number of queries whatever the sample's size."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

import scrutiny.core.methodology as methodology
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.records.exports import safe_cell
from scrutiny.web.records.models import Rating, RecordReading

from .test_records_support import add_sample, assign, seed_readings, sized_programme

pytestmark = pytest.mark.django_db

# Immediate response in five records: weak, unsatisfactory, good, very good, not applicable.
IMMEDIATE = {"R-1": 2, "R-2": 1, "R-3": 4, "R-4": 5, "R-5": None}


@pytest.fixture
def scored(inspection: Inspection) -> Inspection:
    """Inspection A's readings replaced by five known ones, R-1 read a second time."""
    RecordReading.objects.filter(inspection=inspection).delete()
    groups = {"R-1": "foster_care", "R-2": "foster_care", "R-3": None, "R-4": None, "R-5": None}
    rows = [(record, "reader-a", value) for record, value in IMMEDIATE.items()]
    rows.append(("R-1", "reader-b", 4))  # the second reader thought it good
    for position, (record, reader, value) in enumerate(rows):
        reading = RecordReading.objects.create(
            inspection=inspection,
            position=position,
            record=record,
            reader=reader,
            care_group=groups[record],
        )
        Rating.objects.create(reading=reading, item="immediate_response", value=value)
    return inspection


def results(client: Any, inspection: Inspection) -> str:
    url = reverse("records:results", kwargs={"inspection_id": inspection.pk})
    return client.get(url).content.decode()


def test_it_shows_each_items_distribution_and_shares(client_for: Any, scored: Inspection) -> None:
    page = results(client_for("inspector"), scored)
    assert "From the agreed reading of each of the 5 records read" in page
    assert (
        "4 rated: 2 good or better (50.0%), 2 weak or unsatisfactory (50.0%); 1 not applicable."
        in page
    )
    # The data table beside the chart: foster care holds the two weak readings.
    assert (
        '<th scope="row">Foster care</th><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td>'
        "<td>1</td><td>0</td><td>0 (0.0%)</td><td>2 (100.0%)</td>" in page
    )
    assert 'role="img"' in page and "the table beside it gives the figures" in page


def test_it_shows_the_limiter_live_from_the_engine_and_its_sensitivity(
    client_for: Any, scored: Inspection
) -> None:
    page = results(client_for("lead"), scored)
    assert "<strong>Applies</strong>" in page
    assert "2 of 4 readings (50.0%) rate the immediate response weak or unsatisfactory" in page
    assert "It would stop applying if 2 of those readings were rated adequate or better." in page
    # Under the second reader's rating of R-1 (good, not weak) one weak reading is left.
    assert "1 of 4 readings (25.0%)" in page and "The verdict would be the same." in page
    assert '<th scope="row">R-1</th><td>Weak</td><td>Good</td><td>Yes</td>' in page
    # Readers do not see which record's readings differ.
    assert '<th scope="row">R-1</th><td>Weak</td>' not in results(client_for("inspector"), scored)
    # Live: a new weak reading changes the figure on the next request.
    Rating.objects.filter(reading__record="R-3").update(value=1)
    # Audited as the service recording it would be (house rules: the pages count them).
    audit_record(actor="test", inspection=scored, action="change", object_type="x", summary="x")
    assert "3 of 4 readings (75.0%)" in results(client_for("lead"), scored)


def test_the_htmx_refresh_returns_only_the_limiter_figure(
    client_for: Any, scored: Inspection
) -> None:
    url = reverse("records:results", kwargs={"inspection_id": scored.pk})
    fragment = client_for("lead").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="limiters"') and "<html" not in fragment
    assert AuditEvent.objects.filter(summary__startswith="Refreshed the immediate").exists()


def test_it_exports_csv_and_xlsx_with_formulas_defused(client_for: Any, scored: Inspection) -> None:
    # A reading made under an older reading tool, with an item id a spreadsheet would run.
    older = RecordReading.objects.create(
        inspection=scored, position=9, record="R-9", reader="x", programme_version="0.9.0"
    )
    Rating.objects.create(reading=older, item="=HYPERLINK(1)", value=3)
    client = client_for("inspector")
    kwargs = {"inspection_id": scored.pk}
    body = client.get(reverse("records:results_export", kwargs={**kwargs, "fmt": "csv"}))
    assert body["Content-Disposition"].endswith('-reading-results.csv"')
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["Item id", "Item", "Care group", "Unsatisfactory"]
    immediate = next(r for r in rows if r[0] == "immediate_response" and r[2] == "All records")
    assert immediate[3:9] == ["1", "1", "0", "1", "1", "0"]
    assert (immediate[9], immediate[10]) == ("1", "4")  # not applicable, rated
    assert any(r[0] == "'=HYPERLINK(1)" for r in rows)
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)

    xlsx = client.get(reverse("records:results_export", kwargs={**kwargs, "fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(r[0] == "'=HYPERLINK(1)" for r in cells)
    xrow = next(r for r in cells if r[0] == "immediate_response" and r[2] == "All records")
    assert (xrow[3], xrow[11], xrow[12]) == (1, 2, 0.5)  # numbers stay numbers
    exports = AuditEvent.objects.filter(action="export", object_type="results")
    assert exports.count() == 2
    assert (
        client.get(reverse("records:results_export", kwargs={**kwargs, "fmt": "pdf"})).status_code
        == 404
    )


def test_safe_cell_quotes_every_formula_start() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Good") == "Good" and safe_cell(-1) == -1


def test_a_reading_made_under_an_older_version_still_displays_and_counts(
    client_for: Any, scored: Inspection
) -> None:
    older = RecordReading.objects.create(
        inspection=scored, position=9, record="R-9", reader="reader-a", programme_version="0.9.0"
    )
    Rating.objects.create(reading=older, item="immediate_response", value=2)
    Rating.objects.create(reading=older, item="retired_item", value=5)
    page = results(client_for("lead"), scored)
    assert "retired_item (from an earlier version of the reading tool)" in page
    assert "3 of 5 readings (60.0%)" in page  # the older reading counts in the limiter
    assert "<strong>Applies</strong>: 3 of 5 readings" in page  # and in the engine's figure
    detail = reverse("records:detail", kwargs={"inspection_id": scored.pk, "reading_id": older.pk})
    shown = client_for("lead").get(detail).content.decode()
    assert "retired_item" in shown and "Very good" in shown


def test_the_agreement_page_shows_figures_with_their_counts_and_pairs(
    client_for: Any, scored: Inspection
) -> None:
    url = reverse("records:agreement", kwargs={"inspection_id": scored.pk})
    page = client_for("assurer").get(url).content.decode()
    assert "1 record read twice" in page
    assert "Undefined" in page  # kappa from a single pair is undefined, and says so
    item = reverse(
        "records:agreement_item", kwargs={"inspection_id": scored.pk, "item": "immediate_response"}
    )
    detail = client_for("assurer").get(item).content.decode()
    assert "0 of 1 (0.0%)" in detail
    assert '<th scope="row"><a href="/inspections/' in detail and ">R-1</a></th><td>" in detail
    assert "<td>Weak</td><td>Good</td><td>2</td>" in detail
    assert "In the moderation queue" in detail
    assert AuditEvent.objects.filter(object_type="agreement", action="view").count() == 2


def _sized_inspection(reference: str, programme: str, lead: Any) -> Inspection:
    inspection = Inspection.objects.create(
        reference=reference, partnership="Sizetown", programme=programme, start=date(2026, 1, 5)
    )
    Membership.objects.create(inspection=inspection, user=lead, role=Role.LEAD_INSPECTOR)
    return inspection


def test_the_pages_make_a_constant_number_of_queries(
    client_for: Any, people: dict[str, Any], monkeypatch: Any, tmp_path: Any
) -> None:
    programme = sized_programme(tmp_path, items=25)
    monkeypatch.setattr(methodology, "PROGRAMMES_DIR", tmp_path)
    small = _sized_inspection("JI-SMALL", programme, people["lead"])
    large = _sized_inspection("JI-LARGE", programme, people["lead"])
    seed_readings(small, records=10, second=2)
    seed_readings(large, records=150, second=30)
    for inspection, size in ((small, 10), (large, 150)):
        add_sample(inspection, records=size)
        assign(inspection, people["inspector"], people["lead"])
    client = client_for("lead")
    counts = {}
    for name in ("results", "agreement", "agreement_item", "sample", "list"):
        for inspection in (small, large):
            kwargs: dict[str, Any] = {"inspection_id": inspection.pk}
            if name == "agreement_item":
                kwargs["item"] = "immediate_response"
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(f"records:{name}", kwargs=kwargs))
            assert response.status_code == 200
            counts[name, inspection.reference] = len(queries)
        assert counts[name, "JI-SMALL"] == counts[name, "JI-LARGE"], (name, counts)


# Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., Advanced Analytics:
# 100 pregnant women classified by two abstractors (irrCAC dataset `cont3x3abstractors`).
# Published: percent agreement 0.89; Cohen's kappa 0.843 linear, 0.892 quadratic. Weighted
# kappa depends only on the distances between points, so the table placed on adequate /
# good / very good must give the published figures on the page.
GWET_ABSTRACTORS = ((13, 0, 0), (0, 20, 7), (0, 4, 56))


def test_the_agreement_page_reproduces_a_published_worked_example(
    client_for: Any, inspection: Inspection
) -> None:
    RecordReading.objects.filter(inspection=inspection).delete()
    position = 0
    for i, row in enumerate(GWET_ABSTRACTORS):
        for j, count in enumerate(row):
            for _ in range(count):
                record = f"G-{position:03d}"
                for reader, value in (("first", 3 + i), ("second", 3 + j)):
                    reading = RecordReading.objects.create(
                        inspection=inspection, position=position, record=record, reader=reader
                    )
                    Rating.objects.create(reading=reading, item="immediate_response", value=value)
                    position += 1
    url = reverse(
        "records:agreement_item",
        kwargs={"inspection_id": inspection.pk, "item": "immediate_response"},
    )
    page = client_for("lead").get(url).content.decode()
    assert "89 of 100 (89.0%)" in page
    assert "100 of 100 (100.0%)" in page  # every disagreement is one point
    assert 'Quadratic-weighted kappa</dt><dd class="ds_summary-list__value">0.89 ' in page
    assert 'Linear-weighted kappa</dt><dd class="ds_summary-list__value">0.84 ' in page
    # The contingency table behind the figures: adequate row is 13, 0, 0 on adequate..
    assert '<th scope="row">Adequate</th><td>0</td><td>0</td><td>13</td><td>0</td>' in page
