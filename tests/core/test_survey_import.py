"""Survey import: layouts recognised, every problem named, non-exports refused."""

from __future__ import annotations

import csv
import os
import tracemalloc
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from scrutiny.core.survey_import import (
    ColumnMapping,
    Inclusion,
    Layout,
    Limits,
    NotASurveyExport,
    SurveyImportError,
    ValueMapping,
    column_letter,
    content_hash,
    import_survey,
    match_option,
    open_survey,
    preview,
    propose_for_header,
    propose_value_mapping,
)


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Survey:
    id: str
    title: str
    items: tuple[Item, ...]


CHILDREN = Survey(
    "children_and_young_people",
    "Survey of children and young people",
    (
        Item("feel_safe", "Do you feel safe where you live?", ("yes", "mostly", "no", "not sure")),
        Item(
            "listened_to",
            "Do the adults who help you listen to what you have to say?",
            ("yes", "sometimes", "no", "not sure"),
        ),
        Item(
            "trusted_adult",
            "Is there an adult you trust to talk to if you are worried?",
            ("yes", "no", "not sure"),
        ),
        Item("anything_else", "Is there anything else you want to tell us?"),
    ),
)
AGREE = ("strongly agree", "agree", "disagree", "strongly disagree", "don't know")
STAFF = Survey(
    "staff",
    "Survey of staff",
    (
        Item("role", "Which service do you work in?", ("social work", "health", "police", "other")),
        Item("supervision", "I receive supervision that helps me reflect on my practice.", AGREE),
    ),
)


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


# LimeSurvey: CSV, response metadata first, questions headed by code or full text.
LIMESURVEY_HEADER = [
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "Care group",
    "Do you feel safe where you live?",
    "Do the adults who help you listen to what you have to say?",
    "Is there an adult you trust to talk to if you are worried?",
    "Is there anything else you want to tell us?",
]


def limesurvey_rows() -> list[list[str]]:
    return [
        LIMESURVEY_HEADER,
        ["1", "2019-02-01 10:00:00", "3", "en", "1234", "Foster care", "Yes", "Yes", "Y", ""],
        ["2", "2019-02-01 10:05:00", "3", "en", "5678", "Kinship care", "No", "No", "N", "I want"
         " to see my brother more"],
        ["3", "2019-02-02 11:00:00", "3", "en", "9012", "", "Not sure", "Sometimes",
         "Don't know", ""],
        ["4", "", "1", "en", "3456", "Residential care", "Mostly", "", "", ""],
    ]  # fmt: skip


# KoboToolbox: group paths, XML values, metadata from Enketo and the server.
KOBO_HEADER = [
    "start",
    "end",
    "about_you/care_group",
    "group_x/feel_safe",
    "group_x/listened_to",
    "group_x/trusted_adult",
    "group_x/anything_else",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_index",
]


def kobo_rows() -> list[list[object]]:
    return [
        KOBO_HEADER,
        ["2019-02-01T10:00:00", "2019-02-01T10:07:00", "foster_care", "yes", "yes", "yes", "",
         101, "a1b2c3d4-0001", "2019-02-01T10:07:05", "", 1],
        ["2019-02-01T11:00:00", "2019-02-01T11:04:00", "aftercare", "not_sure", "sometimes",
         "no", "Nothing", 102, "a1b2c3d4-0002", "2019-02-01T11:04:09", "", 2],
        ["2019-02-01T12:00:00", "2019-02-01T12:03:00", "", "no", "no", "not_sure", "",
         103, "a1b2c3d4-0003", "2019-02-01T12:03:30", "", 3],
    ]  # fmt: skip


# Microsoft Forms: XLSX, ID/Start time/Completion time/Email/Name, then question texts.
FORMS_HEADER = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Where do you live now?",
    "Do you feel safe where you live?",
    "Do the adults who help you listen to what you have to say?",
    "Is there an adult you trust to talk to if you are worried?",
    "Is there anything else you want to tell us?",
]


def forms_rows() -> list[list[object]]:
    return [
        FORMS_HEADER,
        [1, "2/1/19 10:00:00", "2/1/19 10:04:00", "anonymous", "", "With foster carers",
         "Yes", "Yes", "Yes", "It's good"],
        [2, "2/1/19 10:10:00", "2/1/19 10:13:00", "anonymous", "", "Residential care",
         "No", "Sometimes", "Not sure", ""],
        [3, "2/1/19 10:20:00", "2/1/19 10:21:00", "anonymous", "", "Not care experienced",
         "Mostly", "No", "No", ""],
    ]  # fmt: skip


# --- layouts recognised without manual mapping ---------------------------------


def test_it_imports_a_limesurvey_csv_without_manual_mapping(tmp_path):
    path = write_csv(tmp_path / "limesurvey.csv", limesurvey_rows())

    result = import_survey(path, survey=CHILDREN, inclusion=Inclusion(incomplete=True))

    assert result.layout is Layout.LIMESURVEY
    assert result.responses[0] == {
        "survey": "children_and_young_people",
        "respondent": "1",
        "care_group": "foster_care",
        "answers": {"feel_safe": "yes", "listened_to": "yes", "trusted_adult": "yes"},
    }
    assert result.responses[1]["answers"]["anything_else"] == "I want to see my brother more"
    assert result.responses[2]["care_group"] is None
    assert result.responses[2]["answers"]["trusted_adult"] == "not sure"
    # An unanswered question is absent, not an empty answer.
    assert result.responses[3]["answers"] == {"feel_safe": "mostly"}
    assert result.content_hash == content_hash(path)
    # Respondent 4 never submitted: by default not a return.
    default = import_survey(path, survey=CHILDREN)
    assert [r["respondent"] for r in default.responses] == ["1", "2", "3"]
    assert (default.completeness.rows, default.completeness.incomplete) == (4, 1)


def test_it_imports_a_limesurvey_csv_headed_by_question_code_and_text(tmp_path):
    header = LIMESURVEY_HEADER[:6] + [
        "feel_safe. Do you feel safe where you live?",
        "listened_to. <p>Do the adults who help you listen?</p>",
        "trusted_adult. Is there an adult you trust?",
        "anything_else. Anything else?",
    ]
    path = write_csv(tmp_path / "codes.csv", [header, *limesurvey_rows()[1:]])

    proposal = propose_for_header(header, CHILDREN)

    assert proposal.confidence == 1.0
    assert sorted(proposal.mapping.items.values()) == sorted(i.id for i in CHILDREN.items)
    assert len(import_survey(path, survey=CHILDREN).responses) == 3  # one never submitted


def test_it_imports_a_kobotoolbox_xlsx_without_manual_mapping(tmp_path):
    path = write_xlsx(tmp_path / "kobo.xlsx", kobo_rows())

    result = import_survey(path, survey=CHILDREN)

    assert result.layout is Layout.KOBOTOOLBOX
    # _uuid is stable across re-exports, _id is not: the respondent is the uuid.
    assert [r["respondent"] for r in result.responses] == [
        "a1b2c3d4-0001",
        "a1b2c3d4-0002",
        "a1b2c3d4-0003",
    ]
    assert result.responses[1]["care_group"] == "aftercare"
    assert result.responses[1]["answers"]["feel_safe"] == "not sure"  # XML value not_sure
    assert result.responses[1]["answers"]["anything_else"] == "Nothing"


def test_it_imports_a_kobotoolbox_csv_with_semicolons(tmp_path):
    rows = [[str(c) for c in row] for row in kobo_rows()]
    path = write_csv(tmp_path / "kobo.csv", rows, delimiter=";")

    result = import_survey(path, survey=CHILDREN)

    assert result.layout is Layout.KOBOTOOLBOX
    assert [r["answers"]["feel_safe"] for r in result.responses] == ["yes", "not sure", "no"]


def test_it_imports_a_microsoft_forms_xlsx_without_manual_mapping(tmp_path):
    path = write_xlsx(tmp_path / "forms.xlsx", forms_rows())

    result = import_survey(path, survey=CHILDREN)

    assert result.layout is Layout.MICROSOFT_FORMS
    assert [r["respondent"] for r in result.responses] == ["1", "2", "3"]
    assert [r["care_group"] for r in result.responses] == ["foster_care", "residential", None]
    assert result.responses[0]["answers"] == {
        "feel_safe": "yes",
        "listened_to": "yes",
        "trusted_adult": "yes",
        "anything_else": "It's good",
    }


def test_it_never_takes_email_or_name_as_respondent_or_question(tmp_path):
    proposal = propose_for_header(FORMS_HEADER, CHILDREN)

    assert proposal.mapping.respondent == "ID"
    used = set(proposal.mapping.items) | {proposal.mapping.respondent, proposal.mapping.care_group}
    assert not used & {"Email", "Name"}


def test_it_imports_a_staff_survey_with_no_care_group(tmp_path):
    rows = [
        ["ID", "Start time", "Completion time", "Email", "Name", *(i.text for i in STAFF.items)],
        [7, "", "", "anonymous", "", "Police", "Strongly agree"],
        [8, "", "", "anonymous", "", "Social work", "Don't know"],
    ]
    path = write_xlsx(tmp_path / "staff.xlsx", rows)

    result = import_survey(path, survey=STAFF)

    assert [r["care_group"] for r in result.responses] == [None, None]
    assert result.responses[1]["answers"] == {"role": "social work", "supervision": "don't know"}


def test_it_accepts_the_programme_surveys_as_definitions():
    from scrutiny.core.methodology import load_programme

    survey = next(s for s in load_programme("care-and-protection-2018").surveys if s.id == "staff")
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed"]
    header += [item.text for item in survey.items]

    proposal = propose_for_header(header, survey)

    assert proposal.confidence == 1.0
    assert set(proposal.mapping.items.values()) == {item.id for item in survey.items}


def test_an_unrecognised_header_asks_for_a_mapping_and_a_manual_one_works(tmp_path):
    rows = [
        ["Ref", "Safe at home?", "Comments"],
        ["A1", "yes", "ok"],
        ["A2", "no", ""],
    ]
    path = write_csv(tmp_path / "own.csv", rows)
    proposal = propose_for_header(rows[0], CHILDREN)
    assert proposal.layout is Layout.UNKNOWN
    assert proposal.confidence < 1.0

    with pytest.raises(SurveyImportError, match="Confirm the column mapping") as caught:
        import_survey(path, survey=CHILDREN)
    # The refusal names what did not match, never an empty "(unmatched: )".
    assert "no column found for 'Do you feel safe where you live?'" in str(caught.value)
    assert "the file's columns not matched" in str(caught.value) or "'Safe at home?'" in str(
        caught.value
    )

    mapping = ColumnMapping(
        items={"Safe at home?": "feel_safe", "Comments": "anything_else"}, respondent="Ref"
    )
    result = import_survey(path, survey=CHILDREN, mapping=mapping)
    assert [r["respondent"] for r in result.responses] == ["A1", "A2"]
    assert result.responses[0]["answers"] == {"feel_safe": "yes", "anything_else": "ok"}


def test_the_mapping_round_trips_through_json_for_storage():
    proposal = propose_for_header(LIMESURVEY_HEADER, CHILDREN)
    stored = proposal.mapping.model_dump_json()

    assert ColumnMapping.model_validate_json(stored) == proposal.mapping


# --- answer values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "options", "expected"),
    [
        ("YES", ("yes", "no"), "yes"),
        ("  Not   sure. ", ("yes", "no", "not sure"), "not sure"),
        ("Don\u2019t know", ("yes", "no", "not sure"), "not sure"),
        ("not_sure", ("yes", "no", "not sure"), "not sure"),
        ("Y", ("yes", "mostly", "no", "not sure"), "yes"),
        ("Dont know", AGREE, "don't know"),
        ("Most of the time", ("yes", "mostly", "no"), "mostly"),
        ("1", ("yes", "no"), None),  # numbers are answer codes too: never guessed
        ("Sometimes", ("yes", "mostly", "no"), None),
        ("", ("yes", "no"), None),
    ],
)
def test_it_matches_answers_to_options(raw, options, expected):
    assert match_option(raw, options) == expected


def test_it_proposes_value_mappings_and_reports_unmapped_values(tmp_path):
    rows = limesurvey_rows()
    rows[1][6] = "Definitely"
    rows[2][6] = "Definitely"
    rows[3][5] = "Hostel"
    path = write_csv(tmp_path / "values.csv", rows)
    mapping = propose_for_header(rows[0], CHILDREN).mapping

    proposal = propose_value_mapping(path, survey=CHILDREN, mapping=mapping)

    assert proposal.unmapped == {"feel_safe": {"Definitely": 2}, "care_group": {"Hostel": 1}}
    assert proposal.mapping.answers["trusted_adult"] == {
        "Y": "yes",
        "N": "no",
        "Don't know": "not sure",
    }
    assert proposal.mapping.care_groups["Foster care"] == "foster_care"


def test_a_manual_value_mapping_resolves_unmapped_values(tmp_path):
    rows = limesurvey_rows()
    rows[1][6] = "Definitely"
    rows[3][5] = "Hostel"
    rows[2][7] = "N/A"
    path = write_csv(tmp_path / "values.csv", rows)
    values = ValueMapping(
        answers={"feel_safe": {"Definitely": "yes"}, "listened_to": {"N/A": None}},
        care_groups={"Hostel": "aftercare"},
    )

    result = import_survey(path, survey=CHILDREN, value_mapping=values)

    assert result.responses[0]["answers"]["feel_safe"] == "yes"
    assert "listened_to" not in result.responses[1]["answers"]  # mapped to no answer
    assert result.responses[2]["care_group"] == "aftercare"


# --- all or nothing, every problem named by row and column -----------------------


def test_a_bad_row_imports_nothing_and_every_problem_is_named(tmp_path):
    rows = limesurvey_rows()
    rows[2][6] = "Maybe"  # row 3 in the spreadsheet, column G
    rows[4][8] = "Perhaps"  # row 5, column I
    rows[4][5] = "On the moon"  # row 5, column F
    rows[3][0] = "1"  # row 4 repeats the respondent of row 2
    path = write_csv(tmp_path / "bad.csv", rows)

    with pytest.raises(SurveyImportError) as caught:
        # Row 5 was never submitted: counted here so that its problems are checked too.
        import_survey(path, survey=CHILDREN, inclusion=Inclusion(incomplete=True))

    found = {(p.row, p.column_letter, p.column) for p in caught.value.problems}
    assert found == {
        (3, "G", "Do you feel safe where you live?"),
        (4, "A", "id"),
        (5, "F", "Care group"),
        (5, "I", "Is there an adult you trust to talk to if you are worried?"),
    }
    message = str(caught.value)
    assert "Row 3, column G (Do you feel safe where you live?): 'Maybe' is not one" in message
    assert "also on row 2" in message


def test_it_counts_rows_as_the_spreadsheet_does_when_answers_span_lines(tmp_path):
    rows = limesurvey_rows()
    rows[1][9] = "line one\nline two\nline three"
    rows[2][6] = "Maybe"
    path = write_csv(tmp_path / "multiline.csv", rows)

    with pytest.raises(SurveyImportError) as caught:
        import_survey(path, survey=CHILDREN)

    assert [(p.row, p.column_letter) for p in caught.value.problems] == [(3, "G")]


def test_it_names_rows_with_more_values_than_the_header(tmp_path):
    rows = limesurvey_rows()
    rows[3] = [*rows[3], "stray", "values"]
    path = write_csv(tmp_path / "wide.csv", rows)

    with pytest.raises(SurveyImportError) as caught:
        import_survey(path, survey=CHILDREN)

    assert caught.value.problems[0].row == 4
    assert "12 values but the header has 10 columns" in caught.value.problems[0].message


def test_it_names_an_empty_respondent_and_too_long_free_text(tmp_path):
    rows = limesurvey_rows()
    rows[2][0] = ""
    rows[3][9] = "x" * 50
    path = write_csv(tmp_path / "bad.csv", rows)

    with pytest.raises(SurveyImportError) as caught:
        import_survey(path, survey=CHILDREN, limits=Limits(max_free_text_chars=40))

    assert [(p.row, p.column_letter) for p in caught.value.problems] == [(3, "A"), (4, "J")]


def test_it_refuses_a_mapping_to_a_column_the_file_lacks(tmp_path):
    path = write_csv(tmp_path / "ls.csv", limesurvey_rows())
    mapping = ColumnMapping(items={"Q99": "feel_safe"}, respondent="id")

    with pytest.raises(SurveyImportError) as caught:
        import_survey(path, survey=CHILDREN, mapping=mapping)

    assert caught.value.problems[0].column == "Q99"


def test_it_lists_problems_up_to_a_limit_and_counts_the_rest(tmp_path):
    rows = [LIMESURVEY_HEADER] + [
        [str(n), "2019-02-01 10:00:00", "", "en", "", "", "Maybe", "", "", ""] for n in range(1, 31)
    ]
    path = write_csv(tmp_path / "many.csv", rows)

    with pytest.raises(SurveyImportError) as caught:
        import_survey(path, survey=CHILDREN, limits=Limits(max_listed_problems=10))

    assert len(caught.value.problems) == 10
    assert caught.value.unlisted == {"Do you feel safe where you live?": 20}
    assert caught.value.total == 30
    assert "and 20 more problems" in str(caught.value)


def test_a_header_without_responses_is_refused(tmp_path):
    path = write_csv(tmp_path / "header.csv", [LIMESURVEY_HEADER])

    with pytest.raises(SurveyImportError, match="no responses"):
        import_survey(path, survey=CHILDREN)


# --- refusing files that are not survey exports --------------------------------


def test_it_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(NotASurveyExport, match="The file is empty"):
        import_survey(path, survey=CHILDREN)


def test_it_refuses_a_png_renamed_csv(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)

    with pytest.raises(NotASurveyExport, match="PNG image, not a survey export"):
        import_survey(path, survey=CHILDREN)


def test_it_refuses_a_jpeg_renamed_csv(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(4000))

    with pytest.raises(NotASurveyExport, match="JPEG image"):
        import_survey(path, survey=CHILDREN)


def test_it_refuses_unknown_binary_data(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"abc\x00\x01\x02" * 100)

    with pytest.raises(NotASurveyExport, match="not text"):
        import_survey(path, survey=CHILDREN)


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(2 * 1024**3)  # a sparse 2 GB file: takes no disk, would take 2 GB of memory

    tracemalloc.start()
    try:
        with pytest.raises(NotASurveyExport, match="2.0 GB"):
            import_survey(path, survey=CHILDREN)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_it_refuses_an_xlsx_zip_bomb_from_its_directory(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))

    with pytest.raises(NotASurveyExport, match="expands to 20.0 MB"):
        import_survey(path, survey=CHILDREN, limits=Limits(max_unpacked_bytes=10 * 1024**2))


def test_it_refuses_a_word_document(tmp_path):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<document/>")

    with pytest.raises(NotASurveyExport, match="Word document"):
        import_survey(path, survey=CHILDREN)


def test_it_refuses_an_old_xls_file(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)

    with pytest.raises(NotASurveyExport, match="Excel 97-2003"):
        import_survey(path, survey=CHILDREN)


def test_it_reads_windows_1252_csv_from_older_excel(tmp_path):
    rows = limesurvey_rows()
    rows[1][9] = "Caf\u00e9 trips \u2013 great"
    path = write_csv(tmp_path / "excel.csv", rows, encoding="cp1252")

    result = import_survey(path, survey=CHILDREN)

    assert result.responses[0]["answers"]["anything_else"] == "Caf\u00e9 trips \u2013 great"


def test_it_names_the_row_where_text_stops_being_utf8(tmp_path):
    good = "\n".join(",".join(r) for r in limesurvey_rows()[:2]).encode()
    filler = b"".join(f"{n},,,en,,,Yes,,,\n".encode() for n in range(10, 5010))
    path = tmp_path / "mixed.csv"
    path.write_bytes(good + b"\n" + filler + b"99,,,en,,,Yes,,,caf\xe9\n")

    with pytest.raises(SurveyImportError) as caught:
        import_survey(path, survey=CHILDREN)

    problem = caught.value.problems[-1]
    assert "not UTF-8" in problem.message
    assert problem.row is not None and problem.row > 5000


# --- streaming, progress and re-import -----------------------------------------


def write_big_csv(path: Path, rows: int) -> Path:
    answers = ("Yes", "Mostly", "No", "Not sure")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(LIMESURVEY_HEADER)
        for n in range(rows):
            w.writerow([n + 1, "2019-02-01 10:00:00", 3, "en", n, "Foster care",
                        answers[n % 4], "Yes", "No", "free text " * (n % 20)])  # fmt: skip
    return path


def test_the_reader_streams_with_bounded_memory(tmp_path):
    path = write_big_csv(tmp_path / "big.csv", 60_000)  # about 9 MB
    assert path.stat().st_size > 8 * 1024 * 1024

    tracemalloc.start()
    try:
        with open_survey(path) as survey_file:
            count = sum(1 for _ in survey_file.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 60_000
    assert peak < 1024 * 1024  # a few rows at a time, never the file


def test_it_reports_progress_with_the_row_total(tmp_path):
    path = write_big_csv(tmp_path / "big.csv", 2_500)
    seen: list[tuple[int, int | None]] = []

    result = import_survey(path, survey=CHILDREN, on_progress=lambda d, t: seen.append((d, t)))

    assert len(result.responses) == 2_500
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_it_reports_xlsx_progress_with_the_sheet_dimension(tmp_path):
    rows = [FORMS_HEADER] + [
        [n, "", "", "", "", "Residential care", "Yes", "Yes", "Yes", ""] for n in range(1, 1501)
    ]
    path = write_xlsx(tmp_path / "forms.xlsx", rows)
    seen: list[tuple[int, int | None]] = []

    import_survey(path, survey=CHILDREN, on_progress=lambda d, t: seen.append((d, t)))

    assert seen == [(1000, 1500), (1500, 1500)]


def test_the_same_file_has_the_same_hash_and_a_corrected_one_does_not(tmp_path):
    first = write_csv(tmp_path / "a.csv", limesurvey_rows())
    again = write_csv(tmp_path / "b.csv", limesurvey_rows())
    corrected_rows = limesurvey_rows()
    corrected_rows[1][6] = "No"
    corrected = write_csv(tmp_path / "c.csv", corrected_rows)

    assert content_hash(first) == content_hash(again)
    assert content_hash(first) != content_hash(corrected)
    assert content_hash(first).startswith("sha256:")


def test_column_letters_match_spreadsheets():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_it_counts_xlsx_rows_for_progress_when_the_sheet_has_no_dimension(tmp_path):
    wb = openpyxl.Workbook(write_only=True)  # writes no <dimension>, as some tools do
    ws = wb.create_sheet("Form1")
    ws.append(FORMS_HEADER)
    for n in range(1, 1201):
        ws.append([n, "", "", "", "", "Residential care", "Yes", "Yes", "Yes", ""])
    path = tmp_path / "no-dimension.xlsx"
    wb.save(path)
    seen: list[tuple[int, int | None]] = []

    import_survey(path, survey=CHILDREN, on_progress=lambda d, t: seen.append((d, t)))

    assert seen == [(1000, 1200), (1200, 1200)]


def test_it_previews_the_header_and_first_rows(tmp_path):
    path = write_xlsx(tmp_path / "kobo.xlsx", kobo_rows())

    columns, rows = preview(path, rows=2)

    assert [c.name for c in columns] == KOBO_HEADER
    assert [number for number, _ in rows] == [2, 3]
    assert rows[0][1][3] == "yes" and rows[0][1][7] == "101"


def test_it_reads_excels_utf16_unicode_text_export(tmp_path):
    path = tmp_path / "unicode.txt"
    lines = ("\t".join(row) for row in limesurvey_rows())
    path.write_bytes("\r\n".join(lines).encode("utf-16"))

    result = import_survey(path, survey=CHILDREN)

    assert result.responses[1]["answers"]["anything_else"] == "I want to see my brother more"


def test_a_header_of_markup_alone_is_left_unmatched_not_a_crash():
    # Found by the stored-XSS test: "<img ...>" normalises to nothing to compare.
    proposal = propose_for_header(
        [
            "Respondent",
            '"><img src=x onerror=alert(1)>',
            "<br>",
            "Do you feel safe where you live?",
        ],
        CHILDREN,
    )

    assert proposal.mapping.items == {"Do you feel safe where you live?": "feel_safe"}
