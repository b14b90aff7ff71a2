"""Reads for personal API tokens."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from scrutiny.web.api.models import ApiToken
from scrutiny.web.api.services import TOKEN_PREFIX, token_hash

# Writing the last-used time on every request would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def access_api_token_by_id(*, user: Any, token_id: int) -> ApiToken:
    """One of the person's own tokens; anybody else's is missing (404)."""
    try:
        return ApiToken.objects.select_related("user").get(pk=token_id, user=user)
    except ApiToken.DoesNotExist:
        raise Http404 from None


def token_for_key(key: str) -> ApiToken | None:
    """The active token with this key, for an active person; None otherwise."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict[str, Any]]
    body: list[tuple[str, str, bool, str]]  # (field, type, required, meaning)
    responses: list[tuple[str, str]]  # (status, description)

    @property
    def anchor(self) -> str:
        return (
            f"{self.method}-{self.path}".lower()
            .strip("/")
            .replace("/", "-")
            .replace("{", "")
            .replace("}", "")
        )


@cache
def api_reference() -> list[Operation]:
    """Every operation of the OpenAPI schema, for the reference page (built once)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            body: list[tuple[str, str, bool, str]] = []
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                body = _fields(content["schema"], components)
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=[
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    body=body,
                    responses=[
                        (code, r.get("description", ""))
                        for code, r in op.get("responses", {}).items()
                    ],
                )
            )
    return operations


def _fields(
    schema: dict[str, Any], components: dict[str, Any], prefix: str = "", depth: int = 0
) -> list[tuple[str, str, bool, str]]:
    """A request body's fields, nested ones as ``responses[].answers``."""
    shape = components.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)
    required = set(shape.get("required", []))
    rows = []
    for name, field in shape.get("properties", {}).items():
        items = field.get("items", {})
        kind = field.get("type") or (
            "one of the listed values" if "$ref" in field or "enum" in field else "value"
        )
        if kind == "array" and "enum" in components.get(
            items.get("$ref", "").rsplit("/", 1)[-1], items
        ):
            kind = "array of the listed values"
        meaning = field.get("description", "")
        rows.append((prefix + name, kind, name in required, meaning))
        nested = components.get(items.get("$ref", "").rsplit("/", 1)[-1], {})
        if kind == "array" and nested.get("properties") and depth < 2:
            rows += _fields(nested, components, f"{prefix}{name}[].", depth + 1)
    return rows
