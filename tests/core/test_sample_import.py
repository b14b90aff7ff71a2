"""Importing the sample of case records (CSV, XLSX) and balancing readers' load."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from datetime import datetime

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.core.sample_import import (
    SampleImportError,
    SampleLimits,
    balance_assignments,
    parse_sample,
)

# The six care groups of the bundle format, with the 2018 programme's labels.
CARE_GROUPS = {
    "looked_after_at_home": "Looked after at home",
    "kinship_care": "Kinship care",
    "foster_care": "Foster care",
    "residential": "Residential care",
    "short_breaks": "Short breaks",
    "aftercare": "Aftercare",
}
HEADER = ["Record id", "Care group", "Age band", "Legal status", "Area"]


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def _xlsx(rows: list[list[object]], header: list[str] = HEADER) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _problems(stream: io.BytesIO, **kwargs: object) -> list[str]:
    with pytest.raises(SampleImportError) as caught:
        parse_sample(stream, care_groups=CARE_GROUPS, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_it_reads_a_csv_sample() -> None:
    result = parse_sample(
        _csv(
            [
                ["R-001", "Foster care", "5-11", "Compulsory supervision order", "North"],
                ["R-002", "", "0-4", "Child protection register", "South"],
                ["R-003", "kinship_care", "12-15", "", ""],
            ]
        ),
        care_groups=CARE_GROUPS,
    )
    assert result.format == "csv"
    assert [(r.row, r.record, r.care_group) for r in result.records] == [
        (2, "R-001", "foster_care"),
        (3, "R-002", None),
        (4, "R-003", "kinship_care"),
    ]
    assert result.records[0].age_band == "5-11"
    assert result.records[0].legal_status == "Compulsory supervision order"
    assert result.records[2].area == ""


def test_it_reads_an_xlsx_sample_with_typed_cells() -> None:
    result = parse_sample(
        _xlsx(
            [
                [101, "RESIDENTIAL CARE", "16+", "Permanence order", "East"],
                [102.0, None, None, None, None],
            ]
        ),
        care_groups=CARE_GROUPS,
    )
    assert result.format == "xlsx"
    assert [(r.row, r.record, r.care_group) for r in result.records] == [
        (2, "101", "residential"),
        (3, "102", None),
    ]


@pytest.mark.parametrize(
    ("written", "group"),
    [
        ("Foster care", "foster_care"),
        ("FOSTER CARE", "foster_care"),
        ("foster_care", "foster_care"),
        ("  looked after at home ", "looked_after_at_home"),
        ("Looked-after at home", "looked_after_at_home"),
        ("After care", "aftercare"),
        ("Residential", "residential"),
        ("none", None),
        ("", None),
    ],
)
def test_it_accepts_care_groups_by_id_or_label_in_any_case(written: str, group: str | None) -> None:
    result = parse_sample(_csv([["R-1", written, "", "", ""]]), care_groups=CARE_GROUPS)
    assert result.records[0].care_group == group


def test_it_accepts_headers_in_any_case_and_spacing_and_lists_ignored_columns() -> None:
    header = ["RECORD_ID", "care-group", "Age Band", "legal status", "Area", "Notes"]
    result = parse_sample(
        _csv([["R-1", "", "", "", "", "should not be stored"]], header=header),
        care_groups=CARE_GROUPS,
    )
    assert result.records[0].record == "R-1"
    assert result.ignored_columns == ("Notes",)


def test_a_malformed_file_imports_nothing_and_names_every_bad_row_and_column() -> None:
    problems = _problems(
        _csv(
            [
                ["R-1", "Foster care", "5-11", "", "North"],
                ["", "Foster care", "", "", ""],
                ["R-3", "Fostered", "", "", ""],
                ["r-1", "", "", "", ""],
                ["Jane Smith", "", "", "", ""],
                ["R-6", "", "x" * 101, "", ""],
            ]
        )
    )
    assert problems == [
        "Row 3, column 'Record id': is empty: every record needs its pseudonymous id",
        "Row 4, column 'Care group': 'Fostered' is not a care group: use one of Looked after "
        "at home, Kinship care, Foster care, Residential care, Short breaks, Aftercare, or "
        "leave it blank for a child who is not care experienced",
        "Row 5, column 'Record id': 'r-1' is listed twice: it is also in row 2",
        "Row 6, column 'Record id': 'Jane Smith' is not a pseudonymous record id: use letters, "
        "digits, spaces and . _ / - with at least one digit (never a child's name)",
        "Row 7, column 'Age band': is longer than 100 characters",
    ]


def test_it_names_each_missing_column_and_still_checks_the_rows() -> None:
    problems = _problems(_csv([["R-1", "5-11"], ["R-1", "0-4"]], header=["Record", "Age"]))
    assert problems[0].startswith("Row 1, column 'Care group': the column 'Care group' is missing")
    assert [p.split(":")[0] for p in problems] == [
        "Row 1, column 'Care group'",
        "Row 1, column 'Age band'",
        "Row 1, column 'Legal status'",
        "Row 1, column 'Area'",
        "Row 3, column 'Record'",
    ]
    assert "listed twice" in problems[-1]


def test_it_refuses_a_column_given_twice() -> None:
    problems = _problems(_csv([["R-1", "R-1", "", "", "", ""]], header=["Record id", *HEADER]))
    assert problems == ["Row 1, column 'Record id': this column repeats the column 'Record id'"]


def test_row_numbers_count_spreadsheet_rows_not_lines() -> None:
    # A quoted cell spanning two lines is still one row of the spreadsheet.
    data = (
        "Record id,Care group,Age band,Legal status,Area\n"
        'R-1,,,"Compulsory supervision\norder",North\n'
        "R-2,Fostered,,,\n"
    )
    problems = _problems(io.BytesIO(data.encode()))
    assert len(problems) == 1
    assert problems[0].startswith("Row 3, column 'Care group'")


def test_blank_rows_are_skipped_but_keep_their_numbers() -> None:
    data = (
        "Record id,Care group,Age band,Legal status,Area\n,,,,\nR-1,,,,\n\nR-2,Fostered,,,\n,,,,\n"
    )
    problems = _problems(io.BytesIO(data.encode()))
    assert problems == [
        "Row 5, column 'Care group': 'Fostered' is not a care group: use one of Looked after "
        "at home, Kinship care, Foster care, Residential care, Short breaks, Aftercare, or "
        "leave it blank for a child who is not care experienced"
    ]


def test_it_reads_excel_csv_with_a_byte_order_mark_and_windows_1252() -> None:
    bom = "\ufeffRecord id,Care group,Age band,Legal status,Area\nR-1,,,,Bo'ness\n".encode()
    assert parse_sample(io.BytesIO(bom), care_groups=CARE_GROUPS).records[0].record == "R-1"
    cp1252 = "Record id,Care group,Age band,Legal status,Area\nR-1,,,,Caf\xe9 \u2013 North\n"
    result = parse_sample(io.BytesIO(cp1252.encode("cp1252")), care_groups=CARE_GROUPS)
    assert result.records[0].area == "Caf\xe9 \u2013 North"


def test_a_line_break_in_a_cell_becomes_a_space_but_other_control_characters_are_named() -> None:
    data = 'Record id,Care group,Age band,Legal status,Area\nR-1,,,"Compulsory\nsupervision",\n'
    result = parse_sample(io.BytesIO(data.encode()), care_groups=CARE_GROUPS)
    assert result.records[0].legal_status == "Compulsory supervision"
    bad = "Record id,Care group,Age band,Legal status,Area\nR-1,,,,North\x07\n"
    assert _problems(io.BytesIO(bad.encode())) == [
        "Row 2, column 'Area': contains control characters"
    ]


def test_it_reads_semicolon_and_tab_separated_files() -> None:
    for sep in (";", "\t"):
        header = sep.join(HEADER)
        data = f"{header}\nR-1{sep}Foster care{sep}5-11{sep}{sep}North, coast\n"
        record = parse_sample(io.BytesIO(data.encode()), care_groups=CARE_GROUPS).records[0]
        assert (record.care_group, record.area) == ("foster_care", "North, coast")


def test_an_xlsx_date_in_a_text_column_is_named() -> None:
    problems = _problems(_xlsx([["R-1", "", datetime(2026, 5, 11), "", ""]]))
    assert problems == [
        "Row 2, column 'Age band': is a date: format the column as text (Excel turns an age "
        "band such as 5-11 into a date)"
    ]


def test_xlsx_rows_are_numbered_as_the_sheet_numbers_them() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws["A4"] = "R-4"
    ws["B4"] = "Fostered"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    assert _problems(out)[0].startswith("Row 4, column 'Care group'")


def test_an_empty_file_is_refused() -> None:
    assert _problems(io.BytesIO(b"")) == [
        "The file is empty. Upload the sample as CSV (comma-separated, UTF-8), Excel (.xlsx) or OpenDocument (.ods)."
    ]
    assert _problems(io.BytesIO(b"\n\n ,,\n"))[0].startswith("The file is empty")


def test_a_header_without_records_is_refused() -> None:
    assert _problems(_csv([])) == ["The file has a header row but no records below it."]


def test_a_header_below_blank_rows_is_named() -> None:
    problems = _problems(
        io.BytesIO(b"\nRecord id,Care group,Age band,Legal status,Area\nR-1,,,,\n")
    )
    assert problems == ["Row 2: the header must be the first row of the file"]


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "a JPEG image"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an old-style Excel 97-2003"),
        (b"Record id\x00,Care group", "not text"),
    ],
)
def test_a_binary_file_renamed_csv_is_refused(content: bytes, what: str) -> None:
    problems = _problems(io.BytesIO(content))
    assert len(problems) == 1
    assert what in problems[0]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("notes.txt", "hello")
    out.seek(0)
    assert _problems(out) == [
        "This file is a zip archive, not a spreadsheet. Upload a CSV file, an Excel workbook "
        "(.xlsx) or an OpenDocument spreadsheet (.ods)."
    ]


def test_a_damaged_workbook_is_refused() -> None:
    good = _xlsx([["R-1", "", "", "", ""]]).getvalue()
    assert "damaged" in _problems(io.BytesIO(good[: len(good) // 2]))[0]


def test_a_workbook_with_xml_entities_is_refused() -> None:
    # Entity expansion ("billion laughs") is how a small XML file eats memory;
    # the reader refuses any part that declares entities, before calamine opens it.
    good = zipfile.ZipFile(_xlsx([["R-1", "", "", "", ""]]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bad:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet",
                    b'<!DOCTYPE worksheet [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><worksheet',
                    1,
                )
            bad.writestr(info, data)
    out.seek(0)
    problems = _problems(out)
    assert len(problems) == 1
    assert problems[0].startswith(
        "A part of the spreadsheet (xl/worksheets/sheet1.xml) declares its own XML entities"
    )


def test_an_xlsx_that_expands_beyond_the_limit_is_refused_before_opening() -> None:
    limits = SampleLimits(max_unpacked_bytes=1000)
    problems = _problems(_xlsx([["R-1", "", "", "", ""]]), limits=limits)
    assert len(problems) == 1
    assert problems[0].startswith("The spreadsheet expands to ")
    assert problems[0].endswith("; the limit is 1000 bytes. Save it as CSV and upload that.")


class _Endless(io.RawIOBase):
    """A stream that would never end: the import must stop reading at the limit."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        buffer[:] = b"R" * len(buffer)
        self.served += len(buffer)
        return len(buffer)


class _Trickle(io.RawIOBase):
    """A stream that hands over a few bytes per read, as raw streams may."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(7, len(buffer), len(self.data))
        buffer[:n], self.data = self.data[:n], self.data[n:]
        return n


def test_a_stream_handing_over_a_few_bytes_at_a_time_is_read_whole() -> None:
    data = _csv([[f"R-{n}", "", "", "", ""] for n in range(20)]).getvalue()
    result = parse_sample(_Trickle(data), care_groups=CARE_GROUPS)  # type: ignore[arg-type]
    assert len(result.records) == 20


def test_a_file_over_the_byte_limit_is_refused_without_reading_it_all() -> None:
    stream = _Endless()
    with pytest.raises(SampleImportError) as caught:
        parse_sample(
            stream,  # type: ignore[arg-type]
            care_groups=CARE_GROUPS,
            limits=SampleLimits(max_bytes=1000),
        )
    assert str(caught.value) == "The file is larger than 1,000 bytes, the limit for a sample."
    assert stream.served <= 1001


def test_a_file_over_the_row_limit_is_refused() -> None:
    rows = [[f"R-{n}", "", "", "", ""] for n in range(11)]
    assert _problems(_csv(rows), limits=SampleLimits(max_rows=10)) == [
        "The file has more than 10 records, the limit."
    ]
    assert (
        len(
            parse_sample(
                _csv(rows[:10]), care_groups=CARE_GROUPS, limits=SampleLimits(max_rows=10)
            ).records
        )
        == 10
    )


record_ids = st.from_regex(r"R-[0-9]{1,5}", fullmatch=True)
cells = st.text(
    alphabet=st.characters(categories=["L", "N", "Zs"], max_codepoint=0x2FF), max_size=20
)


@given(
    st.lists(record_ids, min_size=1, max_size=30, unique_by=str.casefold),
    st.data(),
)
def test_what_is_written_is_read_back(ids: list[str], data: st.DataObject) -> None:
    rows = [
        [
            record,
            data.draw(st.sampled_from([*CARE_GROUPS.values(), ""])),
            data.draw(cells).strip(),
            data.draw(cells).strip(),
            data.draw(cells).strip(),
        ]
        for record in ids
    ]
    for stream in (_csv(rows), _xlsx(rows)):
        result = parse_sample(stream, care_groups=CARE_GROUPS)
        labels = {label: group for group, label in CARE_GROUPS.items()}
        assert [
            [r.record, r.care_group, r.age_band, r.legal_status, r.area] for r in result.records
        ] == [[row[0], labels.get(row[1]), *(" ".join(c.split()) for c in row[2:])] for row in rows]


# --- Balancing readers' load ---------------------------------------------------------


def test_it_deals_records_round_robin_when_readers_start_level() -> None:
    assignments = balance_assignments(["R-1", "R-2", "R-3", "R-4", "R-5"], ["ann", "bob"])
    assert assignments == {"R-1": "ann", "R-2": "bob", "R-3": "ann", "R-4": "bob", "R-5": "ann"}


def test_a_reader_already_loaded_gets_fewer_until_the_others_catch_up() -> None:
    assignments = balance_assignments(
        [f"R-{n}" for n in range(6)], ["ann", "bob", "cat"], existing_load={"ann": 4}
    )
    assert Counter(assignments.values()) == {"bob": 3, "cat": 3}
    final = Counter(assignments.values()) + Counter({"ann": 4})
    assert max(final.values()) - min(final.values()) <= 1


@given(
    st.lists(record_ids, max_size=120, unique=True),
    st.lists(st.sampled_from(["ann", "bob", "cat", "dee", "eve"]), min_size=1, unique=True),
    st.dictionaries(st.sampled_from(["ann", "bob", "cat"]), st.integers(0, 20)),
)
def test_assignment_is_complete_fair_and_deterministic(
    records: list[str], readers: list[str], load: dict[str, int]
) -> None:
    assignments = balance_assignments(records, readers, existing_load=load)
    assert set(assignments) == set(records)
    assert set(assignments.values()) <= set(readers)
    assert assignments == balance_assignments(records, readers, existing_load=load)
    totals = Counter({r: load.get(r, 0) for r in readers}) + Counter(assignments.values())
    totals.update({r: 0 for r in readers})
    # Whoever received a record was, at that moment, among the least loaded, so nobody
    # ends more than one record above the least loaded reader unless they started so.
    assigned_to = set(assignments.values())
    if assigned_to:
        assert max(totals[r] for r in assigned_to) - min(totals.values()) <= 1


@pytest.mark.parametrize(
    ("records", "readers", "load", "message"),
    [
        (["R-1"], [], None, "no readers"),
        (["R-1"], ["ann", "ann"], None, "reader is listed twice"),
        (["R-1", "R-1"], ["ann"], None, "record is listed twice"),
        (["R-1"], ["ann"], {"ann": -1}, "negative"),
    ],
)
def test_it_refuses_impossible_assignments(records, readers, load, message) -> None:
    with pytest.raises(ValueError, match=message):
        balance_assignments(records, readers, existing_load=load)
