"""The sha256 of a file, read in chunks so a large upload is never whole in memory.

Survey imports (the same file twice is the same import), evidence attachments and
Word templates (recorded in the audit trail) and the model's weights (checked at load)
are all identified by it.
"""

import hashlib
import os
from pathlib import Path


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
