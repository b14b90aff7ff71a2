"""Small steps the report tests share: named statements, notes and the report's moves."""

from typing import Any

from django.urls import reverse

from scrutiny.web.evidence.models import Evidence
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.reports import services
from scrutiny.web.reports.models import Report, Statement


def statement(inspection: Inspection, ident: str) -> Statement:
    return Statement.objects.get(inspection=inspection, ident=ident)


def note(inspection: Inspection, ident: str) -> Evidence:
    return Evidence.objects.get(inspection=inspection, ident=ident)


def report_of(inspection: Inspection) -> Report:
    return Report.objects.get(inspection=inspection)


def cite_the_uncited(inspection: Inspection, actor: Any = "test") -> None:
    """The demo's one uncited statement (Q5-A2) cites a note, so the report can be final."""
    s = statement(inspection, "Q5-A2")
    services.statement_update(
        actor=actor,
        statement=s,
        expected_version=s.version,
        text=s.text,
        plain=s.plain,
        evidence_ids=[note(inspection, "E-022").pk],
    )


def share(inspection: Inspection, actor: Any = "test") -> Report:
    return services.report_share(
        actor=actor, inspection=inspection, expected_version=report_of(inspection).version
    )


def make_final(inspection: Inspection, actor: Any = "test") -> Report:
    return services.report_make_final(
        actor=actor, inspection=inspection, expected_version=report_of(inspection).version
    )


def url(name: str, inspection: Inspection, **kwargs: Any) -> str:
    return reverse(f"reports:{name}", kwargs={"inspection_id": inspection.pk, **kwargs})
