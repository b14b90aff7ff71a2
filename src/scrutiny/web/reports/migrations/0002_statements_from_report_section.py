"""Move each inspection's stored report section (Inspection.report_section, ADR 0006)
into the report tables (ADR 0009). The section was validated when its bundle was
imported, so every citation names a note of the same inspection."""

from django.db import migrations

PARTS = ("strengths", "areas_for_development", "key_messages")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Inspection = apps.get_model("inspections", "Inspection")
    Evidence = apps.get_model("evidence", "Evidence")
    Report = apps.get_model("reports", "Report")
    Statement = apps.get_model("reports", "Statement")
    Citation = apps.get_model("reports", "Citation")
    for inspection in Inspection.objects.exclude(report_section=None).iterator():
        section = inspection.report_section
        Report.objects.create(inspection=inspection, status=section.get("status", "draft"))
        notes = dict(Evidence.objects.filter(inspection=inspection).values_list("ident", "id"))
        lists = [("context", None, section.get("context", [])),
                 ("key_messages", None, section.get("key_messages", []))]  # fmt: skip
        for q in section.get("questions", []):
            lists += [(part, q["question"], q.get(part, [])) for part in PARTS]
        for part, question, statements in lists:
            for n, s in enumerate(statements):
                row = Statement.objects.create(
                    inspection=inspection,
                    ident=s["id"],
                    part=part,
                    question=question,
                    position=n,
                    text=s["text"],
                    plain=s.get("plain"),
                )
                Citation.objects.bulk_create(
                    Citation(statement=row, evidence_id=notes[ref], position=k)
                    for k, ref in enumerate(s.get("evidence", []))
                    if ref in notes
                )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Inspection = apps.get_model("inspections", "Inspection")
    Report = apps.get_model("reports", "Report")
    Statement = apps.get_model("reports", "Statement")
    for report in Report.objects.all():
        rows = Statement.objects.filter(inspection_id=report.inspection_id).order_by(
            "position", "id"
        )

        def data(s):  # type: ignore[no-untyped-def]
            refs = s.citations.order_by("position").values_list("evidence__ident", flat=True)
            return {"id": s.ident, "text": s.text, "evidence": list(refs), "plain": s.plain}

        questions = sorted({s.question for s in rows if s.question is not None})
        section = {
            "status": "draft" if report.status == "shared" else report.status,
            "context": [data(s) for s in rows if s.part == "context"],
            "key_messages": [
                data(s) for s in rows if s.part == "key_messages" and s.question is None
            ],
            "questions": [
                {
                    "question": q,
                    **{
                        p: [data(s) for s in rows if s.part == p and s.question == q] for p in PARTS
                    },
                }
                for q in questions
            ],
        }
        Inspection.objects.filter(pk=report.inspection_id).update(report_section=section)
    Report.objects.all().delete()
    Statement.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("inspections", "0002_inspection_report_section"),
        ("evidence", "0002_note_date_and_attachments"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
