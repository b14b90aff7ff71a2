"""Single sign-on with the organisation's accounts over OpenID Connect (optional).

mozilla-django-oidc runs the authorization-code flow (with PKCE and a nonce); this module
adds what Scrutiny needs around it:
- the provider's endpoints come from its discovery document (`SCRUTINY_OIDC_ISSUER`),
  read once per process on first use, never at start-up;
- the ID token must name our issuer and our client as its audience;
- a person is matched to one existing, active user by a *verified* e-mail address; nobody
  is ever created, and case access still comes only from inspection teams;
- the provider's `amr` claim says whether the person used more than one factor; if not,
  Scrutiny asks for its own second factor as after a password.
"""

from functools import cache
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

# Settings names of mozilla-django-oidc that the discovery document answers.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


@cache
def discovery(issuer: str) -> dict[str, Any]:
    """The provider's `/.well-known/openid-configuration`, checked against the issuer."""
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as exc:
        discovery.cache_clear()
        raise ProviderUnavailable(f"{url}: {exc}") from exc
    if document.get("issuer", "").rstrip("/") != issuer:
        discovery.cache_clear()
        raise ProviderUnavailable(f"{url} names another issuer: {document.get('issuer')!r}")
    return document


def oidc_setting(attr: str, *args: Any) -> Any:
    if attr in _DISCOVERED:
        return discovery(settings.OIDC_ISSUER)[_DISCOVERED[attr]]
    return import_from_settings(attr, *args)


def asserted_mfa(payload: dict[str, Any]) -> bool:
    """Whether the ID token says the person used more than one factor."""
    methods = payload.get("amr") or []
    if isinstance(methods, str):
        methods = [methods]
    return bool(set(methods) & settings.OIDC_MFA_METHODS)


class OrganisationSignInBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Listed in AUTHENTICATION_BACKENDS always; inert unless single sign-on is set up."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if settings.OIDC_ENABLED:
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not settings.OIDC_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        payload = super().verify_token(token, **kwargs)
        issuer = discovery(settings.OIDC_ISSUER)["issuer"]
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != issuer or self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token names another issuer or audience")
        self._id_token_payload = payload
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # The e-mail address must be one the provider has verified.
        verified = claims.get("email_verified", self._id_token_payload.get("email_verified"))
        return bool(claims.get("email")) and verified is True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        return self.UserModel.objects.filter(email__iexact=claims["email"], is_active=True)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        # Nothing about the person is copied from the provider; the sign-in view reads this.
        user.provider_asserted_mfa = asserted_mfa(self._id_token_payload)
        return user

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise SuspiciousOperation("Single sign-on never creates users")


class OrganisationSignInStart(OIDCAuthenticationRequestView):  # type: ignore[misc]
    get_settings = staticmethod(oidc_setting)
