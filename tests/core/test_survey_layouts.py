"""Survey exports of every tool (tests/data/README.md says where each came from):
`scrutiny survey inspect FILE --json` says what made them and what they hold.

``REAL`` are files the tools themselves produced (public repositories' exports, or
KoboToolbox's and ODK Central's own export code); ``SYNTHETIC`` are written in the
tools' layouts with the children's survey's questions, so that the import can be
tested end to end."""

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
SYNTHETIC_DATA = DATA / "synthetic"
CHILDREN = load_programme("care-and-protection-2018").survey("children_and_young_people")

# file -> (layout, header_rows, rows, incomplete, rejected, on_hold)
REAL = {
    "kobotoolbox-xml-values.csv": ("kobotoolbox", 1, 6, 0, 1, 1),
    "kobotoolbox-labels.xlsx": ("kobotoolbox", 1, 6, 0, 1, 1),
    "odk-central-submissions.csv": ("odk", 1, 5, 0, 1, 1),
    # Four of eight never submitted (no submitdate), one of them after the first page.
    "limesurvey-question-codes.xlsx": ("limesurvey", 1, 8, 4, 0, 0),
    "limesurvey-code-and-text.xlsx": ("limesurvey", 1, 5, 3, 0, 0),
    "limesurvey-code-and-text.csv": ("limesurvey", 1, 5, 0, 0, 0),
    # Anonymised responses: every submit date is LimeSurvey's 1980-01-01, still submitted.
    "limesurvey-full-text.csv": ("limesurvey", 1, 5, 0, 0, 0),
    "limesurvey-german-headings.xlsx": ("limesurvey", 1, 5, 0, 0, 0),
    "qualtrics-three-heading-rows.csv": ("qualtrics", 3, 1, 0, 0, 0),
    "qualtrics-legacy-two-heading-rows.csv": ("qualtrics", 2, 1, 0, 0, 0),
    "surveymonkey-candidate-questionnaire.csv": ("surveymonkey", 2, 4, 0, 0, 0),
    "microsoft-forms-quiz.xlsx": ("microsoft_forms", 1, 10, 0, 0, 0),
}
SYNTHETIC = {
    "limesurvey-question-codes.csv": ("limesurvey", 1, 6, 2, 0, 0),
    "limesurvey-full-text.csv": ("limesurvey", 1, 6, 2, 0, 0),
    "limesurvey-code-and-text.csv": ("limesurvey", 1, 6, 2, 0, 0),
    "limesurvey-r-data-file.csv": ("limesurvey", 1, 6, 2, 0, 0),
    "surveymonkey-all-responses.csv": ("surveymonkey", 2, 4, 0, 0, 0),
    "microsoft-forms.xlsx": ("microsoft_forms", 1, 4, 0, 0, 0),
    "microsoft-forms.csv": ("microsoft_forms", 1, 4, 0, 0, 0),
}
EXPECTED = {DATA / n: v for n, v in REAL.items()} | {
    SYNTHETIC_DATA / n: v for n, v in SYNTHETIC.items()
}
TOOLS = {"kobotoolbox", "odk", "limesurvey", "qualtrics", "surveymonkey", "microsoft_forms"}


def _exports(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.suffix in (".csv", ".xlsx", ".ods")}


def test_it_has_an_example_of_every_file_in_the_data_folder():
    assert _exports(DATA) == set(REAL)
    assert _exports(SYNTHETIC_DATA) == set(SYNTHETIC)
    readme = (DATA.parent / "README.md").read_text()
    assert all(f"surveys/{name}" in readme for name in REAL)
    assert all(f"surveys/synthetic/{name}" in readme for name in SYNTHETIC)


def test_every_tool_has_a_real_export():
    assert {layout for layout, *_ in REAL.values()} == TOOLS


@pytest.mark.parametrize("path", sorted(EXPECTED), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_inspects_each_export(path, capsys):
    assert main(["survey", "inspect", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    got = tuple(result[k] for k in ("layout", "header_rows", "rows", "incomplete", "rejected",
                                    "on_hold"))  # fmt: skip
    assert got == EXPECTED[path]
    assert result["format"] == path.suffix[1:]


@pytest.mark.parametrize(
    ("path", "returns"),
    [
        (DATA / "kobotoolbox-xml-values.csv", 4),  # 6, less one Not Approved and one On Hold
        (DATA / "kobotoolbox-labels.xlsx", 4),
        (DATA / "odk-central-submissions.csv", 3),  # 5, less one rejected and one hasIssues
        (SYNTHETIC_DATA / "limesurvey-full-text.csv", 4),  # 6, less two never submitted
        (SYNTHETIC_DATA / "limesurvey-code-and-text.csv", 4),
        (SYNTHETIC_DATA / "surveymonkey-all-responses.csv", 4),
        (SYNTHETIC_DATA / "microsoft-forms.xlsx", 4),
        (SYNTHETIC_DATA / "microsoft-forms.csv", 4),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_it_imports_only_the_counted_responses_by_default(path, returns):
    result = import_survey(path, survey=CHILDREN)
    assert len(result.responses) == returns == result.completeness.counted
    # Heading rows are never responses: no answer is a question's own text.
    texts = {item.text for item in CHILDREN.items}
    assert not any(a in texts for r in result.responses for a in r["answers"].values())


def test_counting_the_others_is_a_choice_and_empty_responses_never_count():
    lime = SYNTHETIC_DATA / "limesurvey-full-text.csv"
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


def test_a_real_limesurvey_export_counts_only_submitted_answered_responses():
    # g4 is a free-text question of the artifact evaluation survey: ids 4, 9 and 14 were
    # submitted with an answer; 12 was submitted without one (empty, never a return);
    # 16 answered it but never submitted; 8, 10 and 11 stopped on the first page.
    path = DATA / "limesurvey-question-codes.xlsx"
    mapping = ColumnMapping(items={"g4": "anything_else"}, respondent="id")
    result = import_survey(path, survey=CHILDREN, mapping=mapping)
    c = result.completeness
    assert (c.rows, c.incomplete, c.counted) == (8, 4, 3)
    assert [r["respondent"] for r in result.responses] == ["4", "9", "14"]
    everything = import_survey(
        path, survey=CHILDREN, mapping=mapping, inclusion=Inclusion(incomplete=True)
    )
    assert [r["respondent"] for r in everything.responses] == ["4", "9", "14", "16"]


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
    result = inspect_survey(DATA / "qualtrics-three-heading-rows.csv", survey=CHILDREN)
    assert (result["header_rows"], result["rows"]) == (3, 1)
    assert result["respondent_column"] == "ResponseId"
    # The second row's labels are German: the columns keep the first row's ids.
    assert result["unmapped_columns"] == ["Q1", "Q2", "Q2 - Topics"]
    assert {"IPAddress", "RecipientEmail", "LocationLatitude"} <= set(result["personal_data"])


def test_a_qualtrics_response_never_finished_is_incomplete(tmp_path):
    # The real export's response again, as Qualtrics writes one closed unfinished
    # (Finished 0 with numeric values, False with choice text).
    real = (DATA / "qualtrics-three-heading-rows.csv").read_bytes()
    *heads, response = real.decode().splitlines()
    fields = next(csv.reader([response]))
    rows = [response]
    for n, finished in enumerate(("0", "False"), start=1):
        fields[6], fields[8] = finished, f"R_unfinished{n}"
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        rows.append(out.getvalue())
    path = tmp_path / "unfinished.csv"
    path.write_text("\n".join([*heads, *rows]) + "\n")
    result = inspect_survey(path)
    assert (result["header_rows"], result["rows"], result["incomplete"]) == (3, 3, 2)


def test_qualtrics_previews_test_runs_and_spam_are_never_returns(tmp_path):
    # The real export's response again, as Qualtrics writes the survey's own preview and
    # test runs (the Status field as text or code, or the distribution channel) and spam.
    real = (DATA / "qualtrics-three-heading-rows.csv").read_bytes()
    *heads, response = real.decode().splitlines()
    rows = [response]
    for n, (kind, channel) in enumerate(
        (("Survey Preview", "anonymous"), ("2", "anonymous"), ("0", "preview"), ("Spam", "")),
        start=1,
    ):
        fields = next(csv.reader([response]))
        fields[2], fields[15], fields[8] = kind, channel, f"R_notreal{n}"
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        rows.append(out.getvalue())
    path = tmp_path / "previews.csv"
    path.write_text("\n".join([*heads, *rows]) + "\n")
    result = inspect_survey(path)
    assert (result["rows"], result["incomplete"], result["rejected"]) == (5, 0, 4)


def test_the_legacy_qualtrics_export_is_named_by_its_second_row():
    path = DATA / "qualtrics-legacy-two-heading-rows.csv"
    result = inspect_survey(path, survey=CHILDREN)
    assert result["respondent_column"] == "ResponseID"
    assert result["unmapped_columns"] == ["Q1", "Q2"]
    assert {"Name", "EmailAddress", "IPAddress", "ExternalDataReference"} <= set(
        result["personal_data"]
    )
    mapping = ColumnMapping(items={"Q2": "anything_else"}, respondent="ResponseID")
    imported = import_survey(path, survey=CHILDREN, mapping=mapping)
    assert [(r["respondent"], r["answers"]) for r in imported.responses] == [
        ("R_2YPOQ602ER1jkf1", {"anything_else": "Hello World!"})
    ]


def test_microsoft_forms_email_and_name_are_proposed_as_personal_data_to_leave_out():
    paths = [DATA / "microsoft-forms-quiz.xlsx"]
    paths += [SYNTHETIC_DATA / "microsoft-forms.xlsx", SYNTHETIC_DATA / "microsoft-forms.csv"]
    for path in paths:
        result = inspect_survey(path, survey=CHILDREN)
        assert result["personal_data"] == ["Email", "Name"]
        assert result["respondent_column"] in ("ID", "Id")
        assert "Email" not in {m["column"] for m in result["mapping"].values()}
    # The real quiz: Forms' own columns are never proposed as questions.
    quiz = inspect_survey(paths[0], survey=CHILDREN)["unmapped_columns"]
    assert len(quiz) == 10 and "Last modified time" not in quiz


def test_surveymonkey_second_heading_row_names_no_column():
    result = inspect_survey(SYNTHETIC_DATA / "surveymonkey-all-responses.csv", survey=CHILDREN)
    assert result["mapping"]["feel_safe"]["column"] == "Do you feel safe where you live?"
    assert "Email Address" in result["personal_data"]


def test_surveymonkey_contact_information_is_personal_data():
    result = inspect_survey(DATA / "surveymonkey-candidate-questionnaire.csv", survey=CHILDREN)
    assert result["personal_data"] == [
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
        "Contact information - Name",
        "Contact information - Email",
    ]
    # A ranking question's choices are columns of their own, under the question.
    ranked = [c for c in result["unmapped_columns"] if c.startswith("Planned unit")]
    assert len(ranked) == 8 and ranked[0].endswith(
        " - More inclusionary zoning units than are required by District law"
    )


def test_limesurvey_headings_in_german_are_recognised():
    result = inspect_survey(DATA / "limesurvey-german-headings.xlsx")
    assert (result["layout"], result["respondent_column"]) == ("limesurvey", "id")
    assert result["personal_data"] == ["IP-Adresse", "Email"]


def test_limesurvey_headings_in_french_are_recognised(tmp_path):
    # The response table's own fields as a French full-text export names them.
    heads = ["ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ",
             "Tête de série", "Adresse IP", "Vous sentez-vous en sécurité ?"]  # fmt: skip
    path = tmp_path / "fr.csv"
    path.write_text(
        ";".join(f'"{h}"' for h in heads) + "\r\n"
        + '"1";"2024-03-01 10:00:00";"2";"fr";"1";"192.0.2.1";"Oui"\r\n'
        + '"2";"";"1";"fr";"2";"192.0.2.2";""\r\n',
        encoding="utf-8-sig",
    )  # fmt: skip
    result = inspect_survey(path)
    assert (result["layout"], result["rows"], result["incomplete"]) == ("limesurvey", 2, 1)
    assert result["respondent_column"] == "ID de la réponse"
    assert result["personal_data"] == ["Adresse IP"]


def test_limesurvey_code_headings_ask_for_a_mapping_and_name_what_did_not_match():
    with pytest.raises(SurveyImportError) as caught:
        import_survey(SYNTHETIC_DATA / "limesurvey-question-codes.csv", survey=CHILDREN)
    message = str(caught.value)
    assert "(unmatched: )" not in message
    assert "no column found for 'Is there an adult you trust" in message
    assert "'trusted'" in message  # the file's columns that matched nothing are listed


def test_a_refusal_when_nothing_matches_lists_the_files_columns():
    with pytest.raises(SurveyImportError) as caught:
        import_survey(DATA / "qualtrics-three-heading-rows.csv", survey=CHILDREN)
    message = str(caught.value)
    assert "the file's columns not matched: 'Q1', 'Q2', 'Q2 - Topics'" in message


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
