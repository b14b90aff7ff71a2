"""No server path in what a person is told.

Libraries name the file they failed on (python-docx: "file '/srv/.../staged-1f.docx' is
not a Word file"); quoting their message as the reason for a refusal would show where
the server keeps uploads. Messages built from a library's exception go through here.
"""

import re

# A POSIX path of two or more parts (/tmp/x, /srv/app/var/f.docx), a Windows one
# (C:\..., \\server\share\...), or a file: URL. Quotes around it stay.
_PATH = re.compile(
    r"""(?:file://)?(?:[A-Za-z]:[\\/]|\\\\|(?<![\w.])/)[^\s'"<>|*?;,]*(?:[\\/][^\s'"<>|*?;,]*)+"""
)


def without_paths(message: str, *, placeholder: str = "the file") -> str:
    """`message` with every file-system path replaced by `placeholder`."""
    return _PATH.sub(placeholder, message)
