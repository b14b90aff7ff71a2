"""`Authorization: Bearer scr_…` — the API's only way in.

No session authentication on the data endpoints: a token is the one credential a script
holds, and without one every endpoint answers 401 (never a sign-in page).
"""

from typing import Any

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from scrutiny.web.api.selectors import token_for_key


class PersonalTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in (b"bearer", b"token"):
            return None
        if len(words) != 2:
            raise AuthenticationFailed("Send the header as: Authorization: Bearer <token>.")
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("The token is not valid.") from None
        token = token_for_key(key)
        if token is None:
            raise AuthenticationFailed(
                "The token is not valid, has been revoked, or its owner's account is inactive."
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="scrutiny"'
