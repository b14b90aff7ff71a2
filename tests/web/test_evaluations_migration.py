"""The migrations that make the team's judgements records of their own (evaluations 0003
and 0004, inspections 0004): each decision on the inspection moves into a TeamJudgement row, with
the reason, who and when where they were kept beside it; and back again."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("inspections", "0003_report_section_moved_to_reports"),
    ("evaluations", "0002_moderation_and_rationale"),
]
AFTER = [
    ("inspections", "0004_team_judgement_moved_to_evaluations"),
    ("evaluations", "0004_team_judgement_decision_required"),
]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> None:
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def test_it_moves_each_decision_into_a_record_and_back() -> None:
    old = _migrate(BEFORE)
    try:
        Inspection = old.get_model("inspections", "Inspection")
        Reason = old.get_model("evaluations", "JudgementReason")

        def inspection(reference: str, decision: bool | None) -> Any:
            return Inspection.objects.create(
                reference=reference,
                partnership="Testshire",
                programme="care-and-protection-2018",
                start="2019-03-04",
                children_not_safe_concerning=decision,
            )

        reasoned = inspection("JI-YES", True)
        Reason.objects.create(
            inspection=reasoned,
            judgement="children_not_safe_concerning",
            reason="Engagement echoed it",
            decided_by="lead",
            decided_at=datetime(2019, 5, 1, tzinfo=UTC),
        )
        inspection("JI-NO", False)
        inspection("JI-OPEN", None)

        new = _migrate(AFTER)
        Judgement = new.get_model("evaluations", "TeamJudgement")
        rows = {
            j.inspection.reference: (j.judgement, j.decision, j.reason, j.decided_by)
            for j in Judgement.objects.select_related("inspection")
        }
        assert rows == {
            "JI-YES": ("children_not_safe_concerning", True, "Engagement echoed it", "lead"),
            "JI-NO": ("children_not_safe_concerning", False, "", ""),
        }
        fields = {f.name for f in new.get_model("inspections", "Inspection")._meta.fields}
        assert "children_not_safe_concerning" not in fields

        back = _migrate(BEFORE)
        decisions = dict(
            back.get_model("inspections", "Inspection").objects.values_list(
                "reference", "children_not_safe_concerning"
            )
        )
        assert decisions == {"JI-YES": True, "JI-NO": False, "JI-OPEN": None}
        reasons = back.get_model("evaluations", "JudgementReason").objects.values_list(
            "inspection__reference", "reason"
        )
        assert sorted(reasons) == [
            ("JI-NO", "Imported with the bundle"),
            ("JI-YES", "Engagement echoed it"),
        ]
    finally:
        _latest()
