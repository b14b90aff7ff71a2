"""What a reader agrees to read, and the refusal when a file asks for more."""

from __future__ import annotations

import time
from dataclasses import dataclass


class TableRefused(Exception):
    """The file was refused; nothing was read from it. ``row``/``column`` when known."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.message = message
        self.row = row
        self.column = column
        where = []
        if row is not None:
            where.append(f"Row {row}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass(frozen=True)
class Limits:
    """Budgets of size, shape and time. Every one is refused with its own message."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_rows: int = 500_000
    max_columns: int = 2000
    max_cell_chars: int = 32_767  # Excel's own limit for a cell
    # A spreadsheet is held as a grid while it is read: rows x columns it reaches.
    max_cells: int = 10_000_000
    # An XLSX or ODS: all parts expanded together, and how much one part may expand.
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_parts: int = 10_000
    # Spreadsheet XML compresses well, but not a thousandfold; a bomb does.
    max_compression_ratio: int = 200
    # Wall-clock seconds for the whole read, checks and rows included.
    max_seconds: float = 300.0


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class Deadline:
    """The time budget of one read, checked between blocks of work."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self, row: int | None = None) -> None:
        if time.monotonic() > self.ends:
            where = f" (stopped at row {row:,})" if row else ""
            raise TableRefused(
                f"Reading the file took longer than {self.seconds:.0f} seconds{where}, the "
                "limit. Save it as CSV, or split it, and upload it again."
            )
