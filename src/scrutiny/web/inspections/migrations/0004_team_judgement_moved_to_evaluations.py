"""The team's judgement is no longer a column of the inspection: evaluations 0003 moved
each decision into a TeamJudgement record first."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_report_section_moved_to_reports"),
        ("evaluations", "0004_team_judgement_decision_required"),
    ]

    operations = [
        migrations.RemoveField(model_name="inspection", name="children_not_safe_concerning"),
    ]
