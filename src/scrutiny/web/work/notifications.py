"""E-mail notifications, sent once the change that prompts them is committed.

Services call these inside their transaction; `transaction.on_commit` sends nothing if
the change is rolled back. A message names the inspection and what waits, never a
child's record, and links to the person's My work page, where they sign in to see more.
Each person can turn each kind off (NotificationSettings; no row means on).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection, Membership

# kind: the NotificationSettings field that turns it off
KINDS = ("assignments", "shared_draft", "comments", "sign_off")


def members_with(*, inspection: Inspection, permission: str) -> list[Any]:
    """The team members whose role grants `permission` (roles.py decides, not a list here)."""
    granted = [r for r, perms in roles.ROLE_PERMISSIONS.items() if permission in perms]
    return [
        m.user
        for m in Membership.objects.filter(
            inspection=inspection, role__in=granted, user__is_active=True
        ).select_related("user", "user__notification_settings")
    ]


def _wants(user: Any, kind: str) -> bool:
    if not user.email:
        return False
    try:
        chosen = user.notification_settings
    except user._meta.model.notification_settings.RelatedObjectDoesNotExist:
        return True
    return bool(getattr(chosen, kind))


def _send(*, kind: str, users: Iterable[Any], subject: str, lines: list[str]) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("work:my_work")
    body = "\n\n".join(
        [
            *lines,
            f"See what waits for you: {link}",
            "You can turn these e-mails off on your notifications page in Scrutiny.",
        ]
    )
    recipients = sorted({u.email for u in users if _wants(u, kind)})

    def send() -> None:
        for address in recipients:
            send_mail(subject, body, None, [address], fail_silently=True)

    if recipients:
        transaction.on_commit(send)


def _name(inspection: Inspection) -> str:
    return f"inspection {inspection.reference} ({inspection.partnership})"


def notify_assignments(*, inspection: Inspection, counts: dict[Any, int], second: bool) -> None:
    """Each reader given records to read hears how many."""
    what = "second readings" if second else "records to read"
    for reader, n in counts.items():
        _send(
            kind="assignments",
            users=[reader],
            subject=f"Scrutiny: {n} {what} for you in {inspection.reference}",
            lines=[f"You have been given {n} {what} in {_name(inspection)}."],
        )


def notify_shared_draft(*, inspection: Inspection) -> None:
    _send(
        kind="shared_draft",
        users=members_with(inspection=inspection, permission=roles.COMMENT_ON_DRAFT),
        subject=f"Scrutiny: the draft report of {inspection.reference} is shared with you",
        lines=[
            f"The team has shared the draft report of {_name(inspection)} for factual "
            "accuracy. You can read it and comment on its statements."
        ],
    )


def notify_comment(*, inspection: Inspection) -> None:
    _send(
        kind="comments",
        users=members_with(inspection=inspection, permission=roles.RESOLVE_COMMENTS),
        subject=f"Scrutiny: a new comment on the draft report of {inspection.reference}",
        lines=[f"The partnership has commented on the draft report of {_name(inspection)}."],
    )


def notify_sign_off(*, inspection: Inspection) -> None:
    _send(
        kind="sign_off",
        users=members_with(inspection=inspection, permission=roles.SIGN_OFF),
        subject=f"Scrutiny: the evaluations of {inspection.reference} wait for sign-off",
        lines=[
            f"The team has agreed the evaluations of {_name(inspection)}: they wait for your sign-off."
        ],
    )
