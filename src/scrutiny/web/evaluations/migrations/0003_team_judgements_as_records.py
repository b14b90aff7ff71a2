"""The team's judgements become records of their own, keyed by the programme's
judgement ids, instead of a column on the inspection with its reason kept beside it.

Existing decisions move from `Inspection.children_not_safe_concerning` into the new
rows (with the reason, who and when where one was recorded); evaluations 0004 then
makes the decision required, and inspections 0004 drops the column. Reversible: the
decision goes back to the column. (Data and later schema changes are in separate
migrations: PostgreSQL refuses to alter a table with pending trigger events.)
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
    # The old table held a reason only beside a decision, and always had one. One UPDATE
    # per row: PostgreSQL would otherwise queue foreign-key checks on rows this
    # transaction already changed, and refuse the ALTER TABLE that follows.
    TeamJudgement.objects.exclude(judgement=CHILDREN_NOT_SAFE).delete()
    now = timezone.now()
    for row in TeamJudgement.objects.filter(models.Q(reason="") | models.Q(decided_at=None)):
        TeamJudgement.objects.filter(pk=row.pk).update(
            reason=row.reason or "Imported with the bundle", decided_at=row.decided_at or now
        )


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
    ]
