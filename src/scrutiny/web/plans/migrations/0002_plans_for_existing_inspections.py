"""Every inspection made before timetables existed gets its plan, dated from its start."""

from django.db import migrations


def create_plans(apps, schema_editor):  # type: ignore[no-untyped-def]
    Inspection = apps.get_model("inspections", "Inspection")
    Plan = apps.get_model("plans", "Plan")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for inspection in Inspection.objects.filter(plan__isnull=True):
        plan = Plan.objects.create(inspection=inspection, notification_date=inspection.start)
        AuditEvent.objects.create(
            actor_name="migration",
            inspection=inspection,
            action="create",
            object_type="plan",
            object_id=str(plan.pk),
            summary="Created the timetable from the inspection's start date",
            after={"notification_date": inspection.start.isoformat()},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_plan_and_stage_changes"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_plans, migrations.RunPython.noop)]
