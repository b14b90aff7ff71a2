"""The one tabular reader: CSV dialects and encodings, XLSX and ODS, and every budget
refused with its own message on hostile files, in bounded time."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from scrutiny.core.tabular import Limits, TableRefused, cell_text, open_table


def rows_of(source, limits=None):
    with open_table(source, limits=limits) as table:
        return table, [(n, [cell_text(c) for c in cells]) for n, cells in table.rows]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, change) -> bytes:
    """The same package with one part's bytes changed by ``change(name, data)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def ods(body: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def ods_row(*cells: str, repeat_rows: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeat_rows}"' if repeat_rows > 1 else ""
    inner = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
        for c in cells
    )
    return f"<table:table-row{attr}>{inner}</table:table-row>"


# --- CSV dialects ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        (b"id,Q\r\n1,Oui\r\n", "utf-8", ","),
        ("\ufeffid;Q\n1;Oui\n".encode(), "utf-8", ";"),
        ("id\tQ\n1\tOui\n".encode("utf-16"), "utf-16", "\t"),
        ("id,Q\n1,Oui\n".encode("utf-16-le"), "utf-16-le", ","),
        ("id;Q\n1;Caf\u00e9\n".encode("cp1252"), "windows-1252", ";"),
        (b'"id";"Q, with comma"\n"1";"Oui"\n', "utf-8", ";"),
    ],
)
def test_it_sniffs_the_encoding_and_delimiter(data, encoding, delimiter):
    table, rows = rows_of(data)
    assert (table.format, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert [cells for _, cells in rows][0][0] == "id"
    assert rows[1][1][0] == "1"


def test_it_reads_ods_and_xlsx_with_spreadsheet_row_numbers():
    table, rows = rows_of(ods(ods_row("id", "Q") + ods_row("1", "Yes")))
    assert table.format == "ods" and rows == [(1, ["id", "Q"]), (2, ["1", "Yes"])]
    table, rows = rows_of(xlsx([["id", "Q"], [1, True], [2.5, None]]))
    assert table.format == "xlsx"
    assert rows == [(1, ["id", "Q"]), (2, ["1", "TRUE"]), (3, ["2.5", ""])]


# --- budgets, each refused with its own message ------------------------------------


def test_it_refuses_a_file_over_the_size_limit_before_reading_it():
    with pytest.raises(TableRefused, match="larger than 10 bytes are not accepted"):
        rows_of(b"id,Q\n1,2\n3,4\n", Limits(max_file_bytes=10))


def test_it_refuses_too_many_rows_naming_the_row():
    data = "id\n" + "".join(f"{n}\n" for n in range(10))
    with pytest.raises(TableRefused) as caught:
        rows_of(data.encode(), Limits(max_rows=5))
    assert caught.value.row == 7 and "more than 5 rows" in str(caught.value)


def test_it_refuses_too_many_columns_naming_the_row():
    with pytest.raises(TableRefused) as caught:
        rows_of(b"a,b\n1,2,3,4,5\n", Limits(max_columns=3))
    assert (caught.value.row, "the limit is 3 columns") == (2, "the limit is 3 columns")
    assert "Row 2: The row has 5 cells" in str(caught.value)


def test_it_refuses_an_overlong_cell_naming_row_and_column():
    with pytest.raises(TableRefused) as caught:
        rows_of(xlsx([["id", "Q"], ["1", "x" * 200]]), Limits(max_cell_chars=100))
    assert (caught.value.row, caught.value.column) == (2, "B")
    assert str(caught.value).startswith("Row 2, column B: The cell is 200 characters long")


def test_a_stray_quote_cannot_swallow_the_file():
    data = b'id,Q\n1,"never closed\n' + b"2,more\n" * 50
    with pytest.raises(TableRefused, match=r"Row 2, column B: The cell is \d+ characters long"):
        rows_of(data, Limits(max_cell_chars=100))


def test_it_refuses_when_the_time_budget_is_spent():
    data = ("id\n" + "1\n" * 5000).encode()
    with pytest.raises(TableRefused, match="took longer than 0 seconds"):
        rows_of(data, Limits(max_seconds=0))


# --- hostile spreadsheets: refused, or read within budget, before calamine works ---------


def test_a_zip_bomb_is_refused_from_its_compression_ratio():
    def bomb(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", b"<sheetData>" + b" " * (50 * 1024 * 1024), 1)
        return data

    data = rezip(xlsx([["id"], ["1"]]), bomb)
    assert len(data) < 200 * 1024
    start = time.monotonic()
    with pytest.raises(TableRefused, match="expands .* times when opened"):
        rows_of(data)
    assert time.monotonic() - start < 5


def test_a_huge_xml_comment_is_read_within_budget_or_refused():
    """The 71 KB workbook that held a web worker for 227 s: a comment of tens of MB."""

    def comment(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(
                b"<sheetData>", b"<!--" + b"-x" * (16 * 1024 * 1024) + b"--><sheetData>"
            )
        return data

    data = rezip(xlsx([["id", "Q"], ["1", "Yes"]]), comment)
    start = time.monotonic()
    try:
        _, rows = rows_of(data, Limits(max_compression_ratio=2000))
    except TableRefused as exc:
        assert "expands" in str(exc) or "took longer" in str(exc)
    else:
        assert rows == [(1, ["id", "Q"]), (2, ["1", "Yes"])]
    assert time.monotonic() - start < 10
    with pytest.raises(TableRefused, match="expands .* times when opened"):
        rows_of(data)  # by default, such a ratio is refused outright


def test_billion_laughs_is_refused():
    laughs = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )

    def entities(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<worksheet", laughs + b"<worksheet", 1)
        return data

    with pytest.raises(TableRefused, match="declares its own XML entities"):
        rows_of(rezip(xlsx([["id", "Q"], ["1", "Yes"]]), entities))


def test_a_sheet_reaching_far_beyond_its_content_is_refused_before_calamine_allocates_it():
    def far(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(
                b"</sheetData>", b'<row r="900000"><c r="ZZ900000"><v>1</v></c></row></sheetData>'
            )
        return data

    with pytest.raises(TableRefused, match="reaches row 900,000"):
        rows_of(rezip(xlsx([["id"], ["1"]]), far))


def test_an_ods_row_repeated_a_million_times_is_refused_in_milliseconds():
    data = ods(ods_row("id") + ods_row("x", "y", repeat_rows=1_000_000))
    assert len(data) < 2000
    start = time.monotonic()
    with pytest.raises(TableRefused, match="reaches row 1,000,001"):
        rows_of(data)
    assert time.monotonic() - start < 2


def test_trailing_empty_repeated_ods_rows_are_not_content():
    body = (
        ods_row("id")
        + ods_row("1")
        + (
            '<table:table-row table:number-rows-repeated="1048574">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        )
    )
    _, rows = rows_of(ods(body))
    assert rows == [(1, ["id"]), (2, ["1"])]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "a PNG image"),
        (b"%PDF-1.4\n" + b"x" * 50, "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "an old-style Excel 97-2003"),
        (b"PK\x03\x04" + b"\x00" * 50, "a damaged zip, Excel or OpenDocument file"),
        (b"\x00\x01\x02\x03" * 100, "not text"),
    ],
)
def test_it_says_what_a_file_is_when_it_is_not_a_table(data, what):
    with pytest.raises(TableRefused, match=what):
        rows_of(data)


def test_it_refuses_a_word_document_and_names_it():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(TableRefused, match="a Word document"):
        rows_of(out.getvalue())


def test_a_refusal_never_names_the_files_path(tmp_path: Path):
    path = tmp_path / "secret-place" / "upload.csv"
    path.parent.mkdir()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(TableRefused) as caught:
        rows_of(path)
    assert str(tmp_path) not in str(caught.value)
    with pytest.raises(TableRefused) as caught:
        rows_of(tmp_path / "missing.csv")
    assert str(tmp_path) not in str(caught.value)
