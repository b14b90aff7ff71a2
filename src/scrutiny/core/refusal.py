"""A change the rules do not allow as things stand, with every reason at once.

Moderation (`signoff`) and the report's steps raise it; the web layer puts each reason
on the person's form (`scrutiny.web.form_errors`).
"""


class Refused(ValueError):
    """A change that may not happen; `reasons` holds one sentence per reason."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons
