"""Refusing oversized uploads before their bytes are read, and keeping uploads on disk.

Django parses a multipart body when something first reads ``request.POST`` — the CSRF
check does, before the view runs. A view that wants to refuse a 2 GB upload without
receiving it therefore installs ``SizeLimitedUploadHandler`` first and checks CSRF
itself afterwards (Django's documented pattern: ``csrf_exempt`` outside, ``csrf_protect``
inside). The form puts the CSRF token before the file, so the token is parsed and the
file part is where reading stops.
"""

import os
import uuid
from pathlib import Path
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops the upload at the first file part when the request is larger than ``limit``.

    The declared Content-Length decides at once; a body without one (chunked) is counted
    as it arrives. ``request.upload_refused_size`` then holds the size seen, for the view.
    """

    def __init__(self, request: HttpRequest, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.declared = 0
        self.received = 0

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *a: Any) -> None:
        self.declared = content_length or 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.declared > self.limit:
            self._refuse(self.declared)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse(self.received)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self, size: int) -> None:
        self.request.upload_refused_size = size  # type: ignore[union-attr]
        # connection_reset: the parser reads no further (it would otherwise drain the body).
        raise StopUpload(connection_reset=True)


def limit_uploads(request: HttpRequest, *, limit: int) -> None:
    """Install the size check; call before anything reads ``request.POST``."""
    request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, limit=limit))


def refused_size(request: HttpRequest) -> int | None:
    return getattr(request, "upload_refused_size", None)


def human_size(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def store_upload(upload: Any, *, directory: Path, suffix: str = "") -> Path:
    """Copy an uploaded file to ``directory`` under a random name, readable by us only."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{uuid.uuid4().hex}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path
