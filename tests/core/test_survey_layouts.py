"""Real exports of every survey tool (tests/data/README.md says where each came from):
`scrutiny survey inspect FILE --json` says what made them and what they hold."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from scrutiny.cli import main
from scrutiny.core.methodology import load_programme
from scrutiny.core.survey_import import (
    ColumnMapping,
    Inclusion,
    SurveyImportError,
    import_survey,
    inspect_survey,
)

DATA = Path(__file__).parent.parent / "data" / "surveys"
CHILDREN = load_programme("care-and-protection-2018").survey("children_and_young_people")

# file -> (layout, header_rows, rows, incomplete, rejected, on_hold)
EXPECTED = {
    "kobotoolbox-xml-values.csv": ("kobotoolbox", 1, 6, 0, 1, 1),
    "kobotoolbox-labels.xlsx": ("kobotoolbox", 1, 6, 0, 1, 1),
    "odk-central-submissions.csv": ("odk", 1, 5, 0, 1, 1),
    "qualtrics-testing-preservation.csv": ("qualtrics", 3, 25, 1, 0, 0),
    "limesurvey-question-codes.csv": ("limesurvey", 1, 6, 2, 0, 0),
    "limesurvey-full-text.csv": ("limesurvey", 1, 6, 2, 0, 0),
    "limesurvey-code-and-text.csv": ("limesurvey", 1, 6, 2, 0, 0),
    "limesurvey-r-data-file.csv": ("limesurvey", 1, 6, 2, 0, 0),
    "surveymonkey-all-responses.csv": ("surveymonkey", 2, 4, 0, 0, 0),
    "microsoft-forms.xlsx": ("microsoft_forms", 1, 4, 0, 0, 0),
    "microsoft-forms.csv": ("microsoft_forms", 1, 4, 0, 0, 0),
}


def test_it_has_an_example_of_every_file_in_the_data_folder():
    files = {p.name for p in DATA.iterdir() if p.suffix in (".csv", ".xlsx", ".ods")}
    assert files == set(EXPECTED)
    readme = (DATA.parent / "README.md").read_text()
    assert all(f"surveys/{name}" in readme or name in readme for name in files)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_inspects_each_real_export(name, capsys):
    assert main(["survey", "inspect", str(DATA / name), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    got = tuple(result[k] for k in ("layout", "header_rows", "rows", "incomplete", "rejected",
                                    "on_hold"))  # fmt: skip
    assert got == EXPECTED[name]
    assert result["format"] == name.rsplit(".", 1)[1]


@pytest.mark.parametrize(
    ("name", "returns"),
    [
        ("kobotoolbox-xml-values.csv", 4),  # 6, less one Not Approved and one On Hold
        ("kobotoolbox-labels.xlsx", 4),
        ("odk-central-submissions.csv", 3),  # 5, less one rejected and one hasIssues
        ("limesurvey-full-text.csv", 4),  # 6, less two never submitted (one also empty)
        ("limesurvey-code-and-text.csv", 4),
        ("surveymonkey-all-responses.csv", 4),
        ("microsoft-forms.xlsx", 4),
        ("microsoft-forms.csv", 4),
    ],
)
def test_it_imports_only_the_counted_responses_by_default(name, returns):
    result = import_survey(DATA / name, survey=CHILDREN)
    assert len(result.responses) == returns == result.completeness.counted
    # Heading rows are never responses: no answer is a question's own text.
    texts = {item.text for item in CHILDREN.items}
    assert not any(a in texts for r in result.responses for a in r["answers"].values())


def test_counting_the_others_is_a_choice_and_empty_responses_never_count():
    lime = DATA / "limesurvey-full-text.csv"
    everything = import_survey(lime, survey=CHILDREN, inclusion=Inclusion(incomplete=True))
    assert (everything.completeness.incomplete, everything.completeness.empty) == (2, 1)
    assert len(everything.responses) == 5  # the unfinished one with no answer never counts
    kobo = DATA / "kobotoolbox-xml-values.csv"
    assert (
        len(import_survey(kobo, survey=CHILDREN, inclusion=Inclusion(rejected=True)).responses) == 5
    )
    assert (
        len(import_survey(kobo, survey=CHILDREN, inclusion=Inclusion(on_hold=True)).responses) == 5
    )


def test_kobotoolbox_group_paths_and_xml_values_match_the_items():
    result = inspect_survey(DATA / "kobotoolbox-xml-values.csv", survey=CHILDREN)
    assert result["delimiter"] == ";"
    assert result["mapping"]["feel_safe"] == {"column": "your_views/feel_safe", "confidence": 1.0}
    assert result["care_group_column"] == "about_you/care_group"
    assert result["respondent_column"] == "_uuid"
    assert result["unmapped_answers"] == {}  # "not_sure", "a_lot" are the options' names


def test_odk_central_group_paths_and_key():
    result = inspect_survey(DATA / "odk-central-submissions.csv", survey=CHILDREN)
    assert result["respondent_column"] == "KEY"
    assert result["mapping"]["trusted_adult"]["column"] == "views-trusted_adult"
    assert "SubmitterName" in result["personal_data"]


def test_qualtrics_heading_rows_are_never_responses():
    result = inspect_survey(DATA / "qualtrics-testing-preservation.csv")
    assert (result["header_rows"], result["rows"]) == (3, 25)
    assert result["respondent_column"] == "ResponseId"


def test_microsoft_forms_email_and_name_are_proposed_as_personal_data_to_leave_out():
    for name in ("microsoft-forms.xlsx", "microsoft-forms.csv"):
        result = inspect_survey(DATA / name, survey=CHILDREN)
        assert result["personal_data"] == ["Email", "Name"]
        assert result["respondent_column"] == "Id"
        assert "Email" not in {m["column"] for m in result["mapping"].values()}


def test_surveymonkey_second_heading_row_names_no_column():
    result = inspect_survey(DATA / "surveymonkey-all-responses.csv", survey=CHILDREN)
    assert result["mapping"]["feel_safe"]["column"] == "Do you feel safe where you live?"
    assert "Email Address" in result["personal_data"]


def test_limesurvey_code_headings_ask_for_a_mapping_and_name_what_did_not_match():
    with pytest.raises(SurveyImportError) as caught:
        import_survey(DATA / "limesurvey-question-codes.csv", survey=CHILDREN)
    message = str(caught.value)
    assert "(unmatched: )" not in message
    assert "no column found for 'Is there an adult you trust" in message
    assert "'trusted'" in message  # the file's columns that matched nothing are listed


def test_a_refusal_when_nothing_matches_lists_the_files_columns():
    with pytest.raises(SurveyImportError) as caught:
        import_survey(DATA / "qualtrics-testing-preservation.csv", survey=CHILDREN)
    message = str(caught.value)
    assert "the file's columns not matched: 'consent', 'age_1', 'gender'" in message


def test_a_repeated_header_is_mapped_by_its_column(tmp_path):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "Question", "Question", "Comment"])
    writer.writerow(["1", "Yes", "No", "fine"])
    writer.writerow(["2", "No", "Yes", ""])
    path = tmp_path / "repeated.csv"
    path.write_text(out.getvalue())

    result = inspect_survey(path, survey=CHILDREN)
    assert "Question (column B)" in result["unmapped_columns"]
    assert "Question (column C)" in result["unmapped_columns"]
    mapping = ColumnMapping(
        items={"Question (column C)": "feel_safe", "Comment": "anything_else"}, respondent="id"
    )
    imported = import_survey(path, survey=CHILDREN, mapping=mapping)
    assert [r["answers"]["feel_safe"] for r in imported.responses] == ["no", "yes"]
