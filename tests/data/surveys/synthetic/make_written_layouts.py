"""Writes the synthetic LimeSurvey, SurveyMonkey and Microsoft Forms examples in this
folder (real exports of these tools are one folder up; ../../README.md).

These files are not the tools' own output: they are written as the tools write them
(LimeSurvey's CSV as its ``CsvWriter`` does: UTF-8 BOM, every field quoted, CRLF, a
blank line at the end; application/helpers/admin/export/CsvWriter.php; the R data file
with answer codes, ExportR/RDataWriter.php; SurveyMonkey's two heading rows; Microsoft
Forms' headings), with questions and answers of the programme's children's survey, so
that the import itself (counted responses, empty ones, answers mapped to the items)
is tested end to end, which the real exports, asking other questions, cannot do.
``python make_written_layouts.py`` rewrites them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent

# (code, full text) of LimeSurvey's own response fields.
LS_FIELDS = [
    ("id", "Response ID"),
    ("submitdate", "Date submitted"),
    ("lastpage", "Last page"),
    ("startlanguage", "Start language"),
    ("seed", "Seed"),
    ("startdate", "Date started"),
    ("datestamp", "Date last action"),
]
QUESTIONS = [
    ("caregroup", "Where do you live now?"),
    ("feelsafe", "Do you feel safe where you live?"),
    ("listened", "Do the adults who help you listen to what you have to say?"),
    ("trusted", "Is there an adult you trust to talk to if you are worried?"),
    ("say", "Do you get a say in decisions about your life?"),
    ("better", "Has the help you get made your life better?"),
    ("anything", "Is there anything else you want to tell us?"),
]
# id, submitted?, last page, answers (care, safe, heard, trust, say, better, comment)
RESPONSES = [
    (11, True, 3, ("Foster care", "Yes", "Yes", "Yes", "Yes", "A lot", "")),
    (
        12,
        True,
        3,
        ("Kinship care", "Mostly", "Sometimes", "Yes", "Sometimes", "A little", "More trips"),
    ),
    (13, False, 1, ("Residential care", "No", "", "", "", "", "")),
    (14, False, 0, ("", "", "", "", "", "", "")),
    (15, True, 3, ("Foster care", "Not sure", "No", "Not sure", "No", "Not at all", "")),
    (16, True, 3, ("Residential care", "Yes", "Yes", "Yes", "Yes", "A lot", "")),
]
# LimeSurvey's answer codes (A1, A2, ...) as the R data file writes them.
CODES = {
    "Foster care": "3", "Kinship care": "2", "Residential care": "4",
    "Yes": "1", "Mostly": "2", "Sometimes": "2", "No": "3", "Not sure": "4",
    "A lot": "1", "A little": "2", "Not at all": "3",
}  # fmt: skip


def limesurvey(headings: list[str], rows: list[list[str]], *, separator: str = ",") -> bytes:
    def escape(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    out = io.StringIO(newline="")
    out.write("\ufeff")
    for record in [headings, *rows]:
        out.write(separator.join(escape(v) for v in record) + "\r\n")
    out.write("\r\n")
    return out.getvalue().encode("utf-8")


def limesurvey_rows(*, codes: bool = False) -> list[list[str]]:
    rows = []
    for n, submitted, last, answers in RESPONSES:
        stamp = f"2026-02-0{n % 10} 10:1{n % 10}:00"
        values = [CODES.get(a, a) for a in answers] if codes else list(answers)
        rows.append([str(n), stamp if submitted else "", str(last), "en", str(1000 + n), stamp,
                     stamp, *values])  # fmt: skip
    return rows


def write_limesurvey() -> None:
    codes = [c for c, _ in LS_FIELDS] + [c for c, _ in QUESTIONS]
    full = [t for _, t in LS_FIELDS] + [t for _, t in QUESTIONS]
    both = [f"{c}. {t}" for c, t in LS_FIELDS + QUESTIONS]
    (HERE / "limesurvey-question-codes.csv").write_bytes(
        limesurvey(codes, limesurvey_rows(), separator=";")
    )
    (HERE / "limesurvey-full-text.csv").write_bytes(limesurvey(full, limesurvey_rows()))
    (HERE / "limesurvey-code-and-text.csv").write_bytes(limesurvey(both, limesurvey_rows()))
    (HERE / "limesurvey-r-data-file.csv").write_bytes(
        limesurvey(codes, limesurvey_rows(codes=True))
    )


def write_surveymonkey() -> None:
    first = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
             "Email Address", "First Name", "Last Name", "Custom Data 1",
             *[t for _, t in QUESTIONS]]  # fmt: skip
    second = [""] * 9 + ["Response"] * 6 + ["Open-Ended Response"]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(first)
    writer.writerow(second)
    for n, submitted, _, answers in RESPONSES:
        if not submitted:
            continue  # SurveyMonkey exports only completed responses by default
        writer.writerow([f"1143{n}0998", "431234567", "03/02/2026 09:12:01 AM",
                         "03/02/2026 09:15:43 AM", "", "", "", "", "", *answers])  # fmt: skip
    (HERE / "surveymonkey-all-responses.csv").write_text(out.getvalue(), encoding="utf-8")


FORMS_HEADER = ["Id", "Start time", "Completion time", "Email", "Name", "Last modified time",
                *[t for _, t in QUESTIONS]]  # fmt: skip


def forms_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for n, submitted, _, answers in RESPONSES:
        if submitted:
            rows.append([n - 10, f"2/3/26 9:{n}:00", f"2/3/26 9:{n + 3}:00", "anonymous", "",
                         "", *answers])  # fmt: skip
    return rows


def write_microsoft_forms() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Form1"
    sheet.append(FORMS_HEADER)
    for row in forms_rows():
        sheet.append(row)
    book.save(HERE / "microsoft-forms.xlsx")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FORMS_HEADER)
    writer.writerows(forms_rows())
    (HERE / "microsoft-forms.csv").write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))


if __name__ == "__main__":
    write_limesurvey()
    write_surveymonkey()
    write_microsoft_forms()
