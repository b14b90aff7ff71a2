"""Every team judgement record holds a decision (no row: not yet decided), one per
judgement and inspection. Separate from 0003, whose data move must commit first on
PostgreSQL before the table is altered again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0003_team_judgements_as_records")]

    operations = [
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
