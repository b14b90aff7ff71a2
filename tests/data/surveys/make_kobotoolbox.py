"""Writes the KoboToolbox exports in this folder with KoboToolbox's own export engine.

formpack (github.com/kobotoolbox/formpack) is the library KoboToolbox's server (kpi)
calls for every CSV and XLSX download. It is not on PyPI, so this script runs in a
throwaway virtual environment with formpack installed from its source; it is not part
of the test suite. The form is a synthetic children's survey; the submissions are
synthetic, with the ``_validation_status`` a reviewer sets in KoboToolbox's data table
(Approved, Not Approved, On Hold), stored as kpi stores it (a dict with uid and label).

    python make_kobotoolbox.py   # in a venv with formpack
"""

from pathlib import Path

from formpack import FormPack
from formpack.schema.fields import (
    IdCopyField,
    NotesCopyField,
    SubmissionTimeCopyField,
    TagsCopyField,
    ValidationStatusCopyField,
)

HERE = Path(__file__).parent

CONTENT = {
    "survey": [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "begin_group", "name": "about_you", "label": ["About you"]},
        {"type": "select_one care", "name": "care_group", "label": ["Where do you live now?"]},
        {"type": "end_group"},
        {"type": "begin_group", "name": "your_views", "label": ["Your views"]},
        {
            "type": "select_one safe",
            "name": "feel_safe",
            "label": ["Do you feel safe where you live?"],
        },
        {
            "type": "select_one heard",
            "name": "listened_to",
            "label": ["Do the adults who help you listen to what you have to say?"],
        },
        {
            "type": "select_one trust",
            "name": "trusted_adult",
            "label": ["Is there an adult you trust to talk to if you are worried?"],
        },
        {
            "type": "select_one heard",
            "name": "involved_in_plans",
            "label": ["Do you get a say in decisions about your life?"],
        },
        {
            "type": "select_one better",
            "name": "help_made_difference",
            "label": ["Has the help you get made your life better?"],
        },
        {
            "type": "text",
            "name": "anything_else",
            "label": ["Is there anything else you want to tell us?"],
        },
        {"type": "end_group"},
    ],
    "choices": [
        {"list_name": "care", "name": "foster_care", "label": ["Foster care"]},
        {"list_name": "care", "name": "kinship_care", "label": ["Kinship care"]},
        {"list_name": "care", "name": "residential", "label": ["Residential care"]},
        {"list_name": "safe", "name": "yes", "label": ["Yes"]},
        {"list_name": "safe", "name": "mostly", "label": ["Mostly"]},
        {"list_name": "safe", "name": "no", "label": ["No"]},
        {"list_name": "safe", "name": "not_sure", "label": ["Not sure"]},
        {"list_name": "heard", "name": "yes", "label": ["Yes"]},
        {"list_name": "heard", "name": "sometimes", "label": ["Sometimes"]},
        {"list_name": "heard", "name": "no", "label": ["No"]},
        {"list_name": "heard", "name": "not_sure", "label": ["Not sure"]},
        {"list_name": "better", "name": "a_lot", "label": ["A lot"]},
        {"list_name": "better", "name": "a_little", "label": ["A little"]},
        {"list_name": "better", "name": "not_at_all", "label": ["Not at all"]},
        {"list_name": "better", "name": "not_sure", "label": ["Not sure"]},
        {"list_name": "trust", "name": "yes", "label": ["Yes"]},
        {"list_name": "trust", "name": "no", "label": ["No"]},
        {"list_name": "trust", "name": "not_sure", "label": ["Not sure"]},
    ],
    "settings": {},
    "translations": [None],
    "translated": ["label"],
}

APPROVED = {"uid": "validation_status_approved", "label": "Approved"}
NOT_APPROVED = {"uid": "validation_status_not_approved", "label": "Not Approved"}
ON_HOLD = {"uid": "validation_status_on_hold", "label": "On Hold"}

# (care group, safe, heard, trust, say, better, comment, validation status)
ANSWERS = [
    ("foster_care", "yes", "yes", "yes", "yes", "a_lot", "", APPROVED),
    (
        "kinship_care",
        "mostly",
        "sometimes",
        "yes",
        "sometimes",
        "a_little",
        "I like my carers",
        APPROVED,
    ),
    ("residential", "no", "no", "not_sure", "no", "not_at_all", "", NOT_APPROVED),
    ("foster_care", "not_sure", "yes", "no", "yes", "not_sure", "", ON_HOLD),
    ("residential", "yes", "sometimes", "yes", "not_sure", "a_lot", "", {}),
    ("kinship_care", "yes", "yes", "yes", "yes", "a_little", "", APPROVED),
]


def submissions():
    for n, (care, safe, heard, trust, say, better, comment, status) in enumerate(ANSWERS, start=1):
        yield {
            "start": f"2026-03-0{n}T10:00:00.000+00:00",
            "end": f"2026-03-0{n}T10:06:00.000+00:00",
            "about_you/care_group": care,
            "your_views/feel_safe": safe,
            "your_views/listened_to": heard,
            "your_views/trusted_adult": trust,
            "your_views/involved_in_plans": say,
            "your_views/help_made_difference": better,
            "your_views/anything_else": comment,
            "_id": 900 + n,
            "_uuid": f"5f2c1e0a-6b1d-4c55-9a3e-00000000000{n}",
            "_submission_time": f"2026-03-0{n}T10:06:05",
            "_validation_status": status,
            "_notes": [],
            "_status": "submitted_via_web",
            "_submitted_by": None,
            "__version__": "vAbCdEf123",
            "_tags": [],
        }


def main():
    pack = FormPack([{"content": CONTENT, "version": "vAbCdEf123"}], title="Children's views")
    copy = (IdCopyField, "_uuid", SubmissionTimeCopyField, ValidationStatusCopyField,
            NotesCopyField, "_status", "_submitted_by", "__version__", TagsCopyField)  # fmt: skip
    # kpi's defaults: XML values and headers, ";" CSV, _index added; groups in headers.
    xml = pack.export(versions=pack.versions.keys(), hierarchy_in_labels=True, copy_fields=copy,
                      force_index=True)  # fmt: skip
    with (HERE / "kobotoolbox-xml-values.csv").open("w", encoding="utf-8") as f:
        for line in xml.to_csv(submissions()):
            f.write(line + "\r\n")
    # "Labels" chosen in the export dialog, no groups in the headers.
    labels = pack.export(versions=pack.versions.keys(), lang=None,
                         copy_fields=copy, force_index=True)  # fmt: skip
    labels.to_xlsx(str(HERE / "kobotoolbox-labels.xlsx"), submissions())


if __name__ == "__main__":
    main()
