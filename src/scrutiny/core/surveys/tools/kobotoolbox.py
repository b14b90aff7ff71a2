"""KoboToolbox: its export engine (formpack) writes CSV (';' by default) and XLSX, with
XML names or labels as headings, optionally group paths (``group/question``), and
the reviewer's ``_validation_status`` (Approved, Not Approved, On Hold), as its uid
(``validation_status_not_approved``) or its label."""

from __future__ import annotations

from collections.abc import Sequence

from scrutiny.core.surveys.tools.base import (
    Column,
    Layout,
    Status,
    StatusReader,
    Tool,
    cell,
    find,
    low,
    names,
)


class KoboToolbox(Tool):
    def status_reader(self, columns: Sequence[Column]) -> StatusReader | None:
        validation = find(columns, self, ("_validation_status",))
        if validation is None:
            return None

        def status(cells: Sequence[str]) -> Status:
            value = low(cell(cells, validation)).replace("_", " ")
            if value.endswith("not approved"):
                return Status.REJECTED
            if value.endswith("on hold"):
                return Status.ON_HOLD
            return Status.COMPLETE

        return status


TOOL = KoboToolbox(
    layout=Layout.KOBOTOOLBOX,
    title="KoboToolbox",
    metadata=names(
        "start|end|today|deviceid|username|audit|_id|_uuid|_submission_time|_validation_status",
        "_notes|_status|_submitted_by|__version__|_tags|_index|meta/instanceid|meta/rootuuid",
        "_xform_id_string|_attachments|_geolocation|formhub/uuid|meta/deprecatedid",
        "simserial|subscriberid|phonenumber|calculation",
    ),
    signature=names("_uuid|_submission_time|_index|_id|_validation_status|__version__"),
    respondent=("_uuid", "meta/instanceid", "_id"),
    personal=names("username|_submitted_by|deviceid|phonenumber|simserial|subscriberid"),
    ignored_prefixes=("_",),
    group_separator="/",
)
