"""Writes for personal API tokens, each audited in the same transaction."""

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from scrutiny.core.refusal import Refused
from scrutiny.web.api.models import ApiToken
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record

# Tokens carry a recognisable prefix so that secret scanners and people can tell them apart.
TOKEN_PREFIX = "scr_"  # noqa: S105 (a label, not a secret)


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the key is returned once and never stored."""
    name = name.strip()
    if not name:
        raise Refused(["Name: say what the token is for, such as the script that uses it."])
    if len(name) > 100:
        raise Refused(["Name: use 100 characters or fewer."])
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:12], key_hash=token_hash(key)
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="api_token",
            object_id=token.pk,
            summary=f"Created API token {name!r} for {user.get_username()}",
            after={"name": name, "prefix": token.prefix, "user": user.get_username()},
        )
    return token, key


def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Stop a token working at once; the row stays so the audit trail can name it."""
    with transaction.atomic():
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        ):
            audit_record(
                actor=actor,
                action=AuditEvent.Action.DELETE,
                object_type="api_token",
                object_id=token.pk,
                summary=f"Revoked API token {token.name!r} of {token.user.get_username()}",
                before={"name": token.name, "prefix": token.prefix},
            )
        token.refresh_from_db()
    return token
