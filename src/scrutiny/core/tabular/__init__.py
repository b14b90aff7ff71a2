"""One reader for every table people upload: CSV, XLSX and ODS.

Survey exports and record samples both arrive as spreadsheets. This package turns a
file into numbered rows of cells, and refuses anything else before it costs much:

- ``sniff``: what the file is, from its bytes (not its name): refuses images, PDFs,
  programs, old .xls; finds the text encoding (UTF-8 with or without BOM, UTF-16,
  Windows-1252) and the CSV delimiter (``,`` ``;`` or tab);
- ``packages``: an XLSX or ODS is a zip; its directory and every part are checked
  (sizes, compression ratios, document type declarations, how far the sheet reaches)
  before python-calamine reads it, so a zip bomb, billion laughs or a sheet that
  claims a million rows is refused in bounded time and memory;
- ``reading``: ``open_table`` yields ``(row number, cells)`` as the spreadsheet
  numbers them, within the ``Limits`` (size, rows, columns, cell length, time).

Every refusal is a ``TableRefused`` with one sentence a person can act on.
"""

from scrutiny.core.tabular.limits import Deadline, Limits, TableRefused
from scrutiny.core.tabular.reading import (
    Cell,
    Table,
    cell_text,
    column_letter,
    open_table,
)
from scrutiny.core.tabular.sniff import FileFormat

__all__ = [
    "Cell",
    "Deadline",
    "FileFormat",
    "Limits",
    "Table",
    "TableRefused",
    "cell_text",
    "column_letter",
    "open_table",
]
