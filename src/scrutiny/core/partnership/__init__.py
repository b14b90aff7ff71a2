"""The partnership's part of an inspection: what it sends the team, and its limits."""

from scrutiny.core.partnership.documents import (
    POSITION_STATEMENT_MAX_WORDS,
    SELF_EVALUATION_MAX_PAGES,
    DocumentTooLong,
    LeadDocument,
    check_lead_document,
    lead_document_for,
)

__all__ = [
    "POSITION_STATEMENT_MAX_WORDS",
    "SELF_EVALUATION_MAX_PAGES",
    "DocumentTooLong",
    "LeadDocument",
    "check_lead_document",
    "lead_document_for",
]
