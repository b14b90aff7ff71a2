"""The team's judgements become records of their own, keyed by the programme's
judgement ids, instead of a column on the inspection with its reason kept beside it.

Existing decisions move from `Inspection.children_not_safe_concerning` into the new
rows (with the reason, who and when where one was recorded); the column is dropped by
inspections 0004 once they are here. Reversible: the decision goes back to the column.
"""

from django.db import migrations, models
from django.utils import timezone

CHILDREN_NOT_SAFE = "children_not_safe_concerning"


def move_decisions_in(apps, schema_editor):  # type: ignore[no-untyped-def]
    Inspection = apps.get_model("inspections", "Inspection")
    TeamJudgement = apps.get_model("evaluations", "TeamJudgement")
    decided = Inspection.objects.exclude(children_not_safe_concerning=None).values_list(
        "pk", "children_not_safe_concerning"
    )
    for pk, decision in decided:
        row = TeamJudgement.objects.filter(inspection_id=pk, judgement=CHILDREN_NOT_SAFE).first()
        if row is None:
            TeamJudgement.objects.create(
                inspection_id=pk, judgement=CHILDREN_NOT_SAFE, decision=decision
            )
        else:
            row.decision = decision
            row.save(update_fields=["decision"])
    # A reason kept without a decision (none should exist) describes nothing.
    TeamJudgement.objects.filter(decision=None).delete()


def move_decisions_out(apps, schema_editor):  # type: ignore[no-untyped-def]
    Inspection = apps.get_model("inspections", "Inspection")
    TeamJudgement = apps.get_model("evaluations", "TeamJudgement")
    for row in TeamJudgement.objects.filter(judgement=CHILDREN_NOT_SAFE):
        Inspection.objects.filter(pk=row.inspection_id).update(
            children_not_safe_concerning=row.decision
        )
    # The old table held a reason only beside a decision, and always had one.
    TeamJudgement.objects.exclude(judgement=CHILDREN_NOT_SAFE).delete()
    TeamJudgement.objects.filter(reason="").update(reason="Imported with the bundle")
    TeamJudgement.objects.filter(decided_at=None).update(decided_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_moderation_and_rationale"),
        ("inspections", "0003_report_section_moved_to_reports"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="judgementreason", name="one_reason_each"),
        migrations.RenameModel(old_name="JudgementReason", new_name="TeamJudgement"),
        migrations.AlterField(
            model_name="teamjudgement",
            name="inspection",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="team_judgements",
                to="inspections.inspection",
            ),
        ),
        migrations.AddField(
            model_name="teamjudgement",
            name="decision",
            field=models.BooleanField(null=True),
        ),
        migrations.AddField(
            model_name="teamjudgement",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="teamjudgement", name="reason", field=models.TextField(blank=True)
        ),
        migrations.AlterField(
            model_name="teamjudgement",
            name="decided_by",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AlterField(
            model_name="teamjudgement",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(move_decisions_in, move_decisions_out),
        migrations.AlterField(
            model_name="teamjudgement", name="decision", field=models.BooleanField()
        ),
        migrations.AlterModelOptions(name="teamjudgement", options={"ordering": ["id"]}),
        migrations.AddConstraint(
            model_name="teamjudgement",
            constraint=models.UniqueConstraint(
                fields=("inspection", "judgement"), name="one_judgement_each"
            ),
        ),
    ]
