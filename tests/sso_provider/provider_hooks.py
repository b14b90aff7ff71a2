"""What the provider says about its people (synthetic)."""

from typing import Any

# Usernames whose e-mail the provider has not verified, and who signed in with two factors.
UNVERIFIED = {"unverified"}
MULTI_FACTOR = {"strong"}


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["email"] = user.email
    claims["email_verified"] = user.username not in UNVERIFIED
    return claims


def authentication_methods(id_token: dict[str, Any], user: Any, **kwargs: Any) -> dict[str, Any]:
    id_token["amr"] = ["pwd", "mfa"] if user.username in MULTI_FACTOR else ["pwd"]
    return id_token
