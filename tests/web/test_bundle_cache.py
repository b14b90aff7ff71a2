"""The stored inspection's bundle is validated once per distinct content: a read after
any write, even one that bypasses the services, sees the write."""

from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.web.evaluations.models import ProposedEvaluation
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.records.models import Rating


def test_it_reuses_the_bundle_of_unchanged_data(inspection: Inspection) -> None:
    assert inspection_bundle(inspection=inspection) is inspection_bundle(inspection=inspection)


def test_it_never_shows_a_stale_bundle_or_evaluation_after_a_write(
    inspection: Inspection,
) -> None:
    programme = load_programme(inspection.programme)
    before = inspection_bundle(inspection=inspection)
    evaluated = evaluate(before, programme)
    rating = Rating.objects.filter(reading__inspection=inspection, value__isnull=False).first()
    assert rating is not None
    rating.value = 1 if rating.value != 1 else 6
    rating.save()
    after = inspection_bundle(inspection=inspection)
    assert after is not before
    reading = next(r for r in after.record_readings if r.record == rating.reading.record)
    assert reading.ratings[rating.item] == rating.value
    indicator = next(iter(evaluated.indicators))
    ProposedEvaluation.objects.update_or_create(
        inspection=inspection, indicator=indicator, defaults={"value": 2}
    )
    proposed = inspection_bundle(inspection=inspection)
    assert proposed.proposed_evaluations[indicator] == 2
    assert evaluate(proposed, programme).indicators[indicator].proposed == 2


def test_it_validates_again_against_a_reloaded_programme(inspection: Inspection) -> None:
    # Validation reads the programme as well as the rows (tests load other programmes).
    first = inspection_bundle(inspection=inspection)
    load_programme.cache_clear()
    assert inspection_bundle(inspection=inspection) is not first
