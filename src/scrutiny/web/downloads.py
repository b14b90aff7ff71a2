"""The one way a download is named: `Content-Disposition` from any file name.

File names come from references, survey ids and people's uploads. A quote, a
backslash, a semicolon or CR/LF in one must neither end the header nor add a
parameter (`filename*=…evil.html` would win over `filename`, RFC 6266 section 4.3).
So the name is reduced to safe characters first; the header then carries an ASCII
`filename` every browser reads and, when the name has other letters, the exact UTF-8
name as `filename*` (RFC 5987/8187), percent-encoded.
"""

import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponseBase

_UNSAFE = re.compile(r"[^\w.\-() ]+")  # \w: letters and digits of any script, and _
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._\-() ]+")
_MAX = 150


def safe_file_name(name: str, *, fallback: str = "download") -> str:
    """The name with anything but letters, digits, space and . _ - ( ) made `_`."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name))
    # No hidden files, no names made only of dots or spaces.
    cleaned = cleaned.strip(" ._")
    if len(cleaned) > _MAX:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (
            f"{stem[: _MAX - len(ext) - 1]}.{ext}" if dot and len(ext) <= 10 else cleaned[:_MAX]
        )
    return cleaned or fallback


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The header's value for a download offered as `name`."""
    exact = safe_file_name(name)
    ascii_name = unicodedata.normalize("NFKD", exact).encode("ascii", "ignore").decode()
    ascii_name = _NOT_ASCII_SAFE.sub("_", ascii_name).strip(" ._") or "download"
    value = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if exact != ascii_name:
        value += f"; filename*=UTF-8''{quote(exact, safe='')}"
    return value


def name_download(response: HttpResponseBase, name: str) -> HttpResponseBase:
    """Set the response's file name (every download view goes through here)."""
    response["Content-Disposition"] = content_disposition(name)
    return response
