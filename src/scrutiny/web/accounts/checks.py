"""`manage.py check --deploy`: settings that are unsafe for a real installation.

Django's own deploy checks cover HTTPS, cookies and HSTS; these cover Scrutiny's own.
`--database default` adds the check for demo accounts left in the database.
"""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

_NOT_SENT = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)


@register(Tags.security, deploy=True)
def unsafe_settings(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if not settings.PRODUCTION:
        problems.append(
            Warning(
                "SCRUTINY_ENV is not 'production': development settings are in force "
                "(debug pages, demo accounts without two-factor authentication).",
                hint="Set SCRUTINY_ENV=production for a real installation.",
                id="scrutiny.W001",
            )
        )
        return problems
    if settings.DEMO_SKIP_2FA_REQUESTED or settings.DEMO_ACCOUNTS_SKIP_TWO_FACTOR:
        problems.append(
            Error(
                "SCRUTINY_DEMO_SKIP_2FA is set, but demo accounts never skip two-factor "
                "authentication in production.",
                hint="Remove SCRUTINY_DEMO_SKIP_2FA from the production environment.",
                id="scrutiny.E001",
            )
        )
    if settings.EMAIL_BACKEND in _NOT_SENT:
        problems.append(
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: password reset links are not sent.",
                hint="Set SCRUTINY_EMAIL_HOST (and the other SCRUTINY_EMAIL_ settings).",
                id="scrutiny.W002",
            )
        )
    if settings.OIDC_ENABLED and not settings.OIDC_ISSUER.startswith("https://"):
        problems.append(
            Error(
                f"SCRUTINY_OIDC_ISSUER={settings.OIDC_ISSUER} is not an https:// address.",
                hint="Single sign-on tokens must only travel over HTTPS.",
                id="scrutiny.E002",
            )
        )
    return problems


@register(Tags.database, deploy=True)
def demo_accounts(app_configs: Any, **kwargs: Any) -> list[Any]:
    if not settings.PRODUCTION or not kwargs.get("databases"):
        return []
    from django.contrib.auth import get_user_model

    names = list(get_user_model().objects.filter(is_demo=True).values_list("username", flat=True))
    if not names:
        return []
    return [
        Error(
            f"Demo accounts with the published demo password exist: {', '.join(names[:10])}.",
            hint="Deactivate them on the Users page, or start from an empty database.",
            id="scrutiny.E003",
        )
    ]
