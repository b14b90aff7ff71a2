"""Running a service for a submitted form: what it refuses goes back on the same form.

A stale edit (`StaleEdit`) and a refusal by the rules (`Refused`, every reason) are the
two answers a service gives to a well-formed request it will not carry out; the page
shows them in its error summary, with the person's entries kept.
"""

from collections.abc import Callable
from typing import Any

from django.forms import Form

from scrutiny.core.refusal import Refused
from scrutiny.web.inspections.services import StaleEdit


def run_service(form: Form, call: Callable[[], Any]) -> int:
    """Call the service; 0 when done, else the HTTP status to answer (409 or 422)."""
    try:
        call()
    except StaleEdit:
        form.add_error(None, StaleEdit.message)
        return 409
    except Refused as exc:
        for reason in exc.reasons:
            form.add_error(None, reason)
        return 422
    return 0
