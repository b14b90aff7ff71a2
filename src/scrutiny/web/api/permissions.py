from typing import Any

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from scrutiny.web.api.models import ApiToken
from scrutiny.web.rules import two_factor_done


class SignedInOrToken(BasePermission):
    """The schema: a token holder, or a person signed in with both factors (the docs
    page fetches it with the browser's session)."""

    session_authentication = [SessionAuthentication]

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiToken):
            return True
        return two_factor_done(request.user)
