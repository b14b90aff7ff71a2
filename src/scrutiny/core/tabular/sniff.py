"""What a file is, from its first bytes: refuse what is not a table at once."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum

from scrutiny.core.tabular.limits import TableRefused

ASK = "Upload a CSV file, an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods)."

# Magic numbers of files people upload by mistake, so the refusal can say what it is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel 97-2003 (.xls) or Office file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "an image or media file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)
ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 64 * 1024


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    ODS = "ods"


@dataclass(frozen=True)
class Sniffed:
    format: FileFormat
    encoding: str | None = None  # CSV only: a Python codec name
    delimiter: str | None = None  # CSV only

    @property
    def encoding_name(self) -> str | None:
        """The encoding as people name it (``utf-8``, ``utf-16``, ``windows-1252``)."""
        return {"utf-8-sig": "utf-8", "cp1252": "windows-1252"}.get(
            self.encoding or "", self.encoding
        )


def sniff_text(head: bytes, *, complete: bool) -> Sniffed:
    """Encoding and delimiter of a CSV file from its first block."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise TableRefused(f"This file is {what}, not a table. {ASK}")
    encoding = _utf16(head)
    if encoding:
        text = head.decode(encoding, errors="ignore")
        if _controls(text) > len(text) // 100:
            raise TableRefused(f"This file is not text, so not a CSV file. {ASK}")
    else:
        if b"\x00" in head:
            raise TableRefused(f"This file is not text, so not a CSV file. {ASK}")
        encoding, text = _decode_head(head, complete=complete)
    if not text.strip():
        raise TableRefused(f"The file holds no text. {ASK}")
    return Sniffed(FileFormat.CSV, encoding, delimiter(text))


def _utf16(head: bytes) -> str | None:
    """Excel's "Unicode text" is UTF-16 with a BOM; some tools write it without one."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:2000]
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
            return "utf-16-be"
    return None


def _decode_head(head: bytes, *, complete: bool) -> tuple[str, str]:
    try:
        return "utf-8-sig", head.decode("utf-8-sig") if complete else _decode_cut(head)
    except UnicodeDecodeError:
        pass
    # Older Excel on Windows saves "CSV" in Windows-1252. Text in it has few control
    # characters; binary data decoded that way has many.
    try:
        text = head.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TableRefused(f"The file is not readable text. {ASK} (Save as 'CSV UTF-8'.)") from exc
    if _controls(text) > len(text) // 100:
        raise TableRefused(f"This file is not text, so not a CSV file. {ASK}")
    return "cp1252", text


def _controls(text: str) -> int:
    return sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")


def _decode_cut(head: bytes) -> str:
    # Up to 3 trailing bytes may be the start of a character cut by the sniffed block.
    for cut in range(4):
        try:
            return head[: len(head) - cut].decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return head.decode("utf-8-sig")  # raises, naming the bad byte


def delimiter(text: str) -> str:
    """KoboToolbox and Excel in many locales write ';'; others ','; some a tab.

    The delimiter that splits the first lines into the same, largest number of fields
    wins; a quoted header row (LimeSurvey) is split as a CSV reader would.
    """
    lines = text.lstrip("\ufeff\r\n").splitlines()[:5]
    if not lines:
        return ","
    best, best_score = ",", (0, 0)
    for candidate in (",", ";", "\t"):
        try:
            widths = [len(r) for r in csv.reader(lines[:1], delimiter=candidate)]
            rest = [len(r) for r in csv.reader(lines[1:], delimiter=candidate)]
        except csv.Error:
            continue
        width = widths[0] if widths else 0
        agree = sum(1 for w in rest if w == width)
        score = (width if width > 1 else 0, agree)
        if score > best_score:
            best, best_score = candidate, score
    return best
