"""Access rules for views: every view says who may call it, or nobody can.

Each view is wrapped in exactly one of the decorators below. The middleware refuses
(404) any view without a rule, so a new view that forgets its rule fails closed, and the
access-matrix test (tests/web/test_access_matrix.py) fails until the view is listed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

View = Callable[..., HttpResponse]


def _mark(view: View, rule: str) -> View:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def two_factor_done(user: Any) -> bool:
    """Signed in, and either verified with a second factor or a demo account."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_demo and settings.DEMO_ACCOUNTS_SKIP_TWO_FACTOR:
        return True
    # OTPMiddleware adds is_verified; a user object fresh from authenticate() lacks it.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def public(view: View) -> View:
    """Anyone, signed in or not (the login page)."""
    return _mark(view, "public")


def api_token(view: View) -> View:
    """The REST API: a personal token (401 without one). Each endpoint then authorises
    per inspection through access_inspection_by_id, as the pages do (scrutiny.web.api)."""
    return _mark(view, "api_token")


def password_only(view: View) -> View:
    """Signed in with a password; the second factor may still be missing (2FA pages)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _mark(wrapper, "password_only")


def _require_signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not two_factor_done(request.user):
        return redirect("accounts:two_factor")
    return None


def signed_in(view: View) -> View:
    """Any fully signed-in user. What they then see is scoped by the selectors."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _require_signed_in(request) or view(request, *args, **kwargs)

    return _mark(wrapper, "signed_in")


def administrator(view: View) -> View:
    """Site administrators, who manage users and inspections."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = _require_signed_in(request)
        if refusal:
            return refusal
        if not request.user.is_administrator:
            raise Http404
        return view(request, *args, **kwargs)

    return _mark(wrapper, "administrator")


def programme_reader(view: View) -> View:
    """Programme managers and site administrators: the programme-wide overview, built
    from published aggregates only (scrutiny.web.programmes)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = _require_signed_in(request)
        if refusal:
            return refusal
        if not (request.user.is_administrator or request.user.is_programme_manager):
            raise Http404
        return view(request, *args, **kwargs)

    return _mark(wrapper, "programme_reader")


def inspection_permission(permission: str) -> Callable[[View], View]:
    """Members of the inspection in the URL whose role grants `permission`.

    The view receives the authorised Inspection instead of its id. Missing and
    forbidden inspections both give 404, so ids reveal nothing.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, inspection_id: int, **kwargs: Any) -> HttpResponse:
            refusal = _require_signed_in(request)
            if refusal:
                return refusal
            # Imported here: settings load this module (the middleware) before models exist.
            from scrutiny.web.inspections.access import access_inspection_by_id

            inspection = access_inspection_by_id(
                user=request.user, inspection_id=inspection_id, permission=permission
            )
            return view(request, inspection, **kwargs)

        return _mark(wrapper, f"inspection:{permission}")

    return decorator


class DenyWithoutRuleMiddleware:
    """Refuse any view that carries no access rule (Django's own static view excepted)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        if getattr(view_func, "access_rule", None) is None:
            raise Http404
