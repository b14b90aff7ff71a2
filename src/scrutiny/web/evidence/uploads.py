"""Attachments arrive straight on disk, hashed as they stream, and never whole in memory.

``stage_attachments(request)`` replaces the request's upload handlers before anything
reads ``request.POST``: each file part is written to a private staging file under
ATTACHMENTS_DIR (outside the web root), its sha256 computed on the way. A request
declaring more than the limit for all its files is stopped at the first file part
without reading it; a file that grows past ATTACHMENT_MAX_BYTES is stopped as soon as
it does, so an oversize file is never read whole. The view then reports the refusal
with the person's other entries kept (the form puts the file input last, so every
other field is parsed before the stop).

CSRF: Django's middleware reads ``request.POST`` before the view, which would parse the
body with the default handlers; views using this are ``csrf_exempt`` outside and
``csrf_protect`` inside, as in ``scrutiny.web.surveys.uploads``.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

# At most this many files in one save: the request's declared size is checked against
# this many times the per-file limit before any file is read.
FILES_PER_SAVE = 5


def staging_dir() -> Path:
    return Path(settings.ATTACHMENTS_DIR) / "staging"


class StagedUpload(UploadedFile):
    """An uploaded file already on disk in the staging area, with its size and sha256.

    Closing it (Django closes uploads when the response is finished) removes the
    staging file unless a service has moved it into the attachment store.
    """

    def __init__(self, *, path: Path, name: str, size: int, sha256: str, content_type: str):
        super().__init__(
            file=path.open("rb"), name=name, content_type=content_type, size=size, charset=None
        )
        self.path = path
        self.sha256 = sha256

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.path.unlink(missing_ok=True)


class StagingUploadHandler(FileUploadHandler):
    """Writes each file part to a 0600 staging file, hashing it; refuses oversize ones."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.per_file = int(settings.ATTACHMENT_MAX_BYTES)
        self.declared = 0
        self._out: Any = None
        self._path: Path | None = None
        self._hash: Any = None
        self._size = 0

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *a: Any) -> None:
        self.declared = content_length or 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        # Form fields and the multipart framing take a few kilobytes at most.
        if self.declared > self.per_file * FILES_PER_SAVE + 64 * 1024:
            self._refuse(self.declared, whole_request=True)
        directory = staging_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._path = directory / uuid.uuid4().hex
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._size += len(raw_data)
        if self._size > self.per_file:
            self._discard()
            self._refuse(self._size, whole_request=False)
        self._out.write(raw_data)
        self._hash.update(raw_data)
        return None  # nothing left for other handlers: this one keeps the bytes

    def file_complete(self, file_size: int) -> StagedUpload | None:
        if self._out is None or self._path is None:
            return None
        self._out.close()
        self._out = None
        path, self._path = self._path, None
        return StagedUpload(
            path=path,
            name=self.file_name or "",
            size=self._size,
            sha256=self._hash.hexdigest(),
            content_type=self.content_type or "",
        )

    def upload_interrupted(self) -> None:
        self._discard()

    def _discard(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None

    def _refuse(self, size: int, *, whole_request: bool) -> None:
        self.request.attachment_refused = (size, whole_request)  # type: ignore[union-attr]
        # connection_reset: the parser reads no further (it would otherwise drain the body).
        raise StopUpload(connection_reset=True)


def stage_attachments(request: HttpRequest) -> None:
    """Use the staging handler alone; call before anything reads ``request.POST``."""
    request.upload_handlers = [StagingUploadHandler(request)]


def refused_upload(request: HttpRequest) -> tuple[int, bool] | None:
    """(size seen, whether the whole request was too large) when an upload was stopped."""
    return getattr(request, "attachment_refused", None)
