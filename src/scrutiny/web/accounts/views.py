from base64 import b32encode
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import requests
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from scrutiny.core.durations import in_words
from scrutiny.core.refusal import Refused
from scrutiny.web.accounts import oidc
from scrutiny.web.accounts.forms import (
    PasswordResetChoiceForm,
    RecoveryCodeForm,
    SignInForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
)
from scrutiny.web.accounts.selectors import access_user_by_id, sign_in_state, user_list
from scrutiny.web.accounts.services import (
    EDITABLE,
    has_confirmed_device,
    link_lifetime,
    recovery_code_sign_in,
    recovery_codes_left,
    recovery_codes_replace,
    totp_confirm,
    totp_device_for_enrolment,
    totp_verify,
    user_create,
    user_deactivate,
    user_password_change,
    user_password_reset,
    user_password_set,
    user_reactivate,
    user_sign_in,
    user_sign_in_failed,
    user_sign_in_with_provider,
    user_sign_in_with_provider_failed,
    user_sign_out,
    user_two_factor_reset,
    user_unlock,
    user_update,
    user_version,
)
from scrutiny.web.form_errors import run_service
from scrutiny.web.rules import administrator, password_only, public, signed_in, two_factor_done

# Set after the password check on "Set up a new authenticator app".
REPLACING_AUTHENTICATOR = "accounts_replacing_authenticator"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # The site's root is where an anonymous visitor starts: after signing in, people
    # land on what waits for them (My work) instead.
    if candidate == "/":
        candidate = ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@public
def sign_in_view(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-axes counts failures here and locks out repeated guessing.
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is None:
            user_sign_in_failed(username=form.cleaned_data["username"])
            form.add_error(None, "The username or password is not right.")
        else:
            user_sign_in(request=request, user=user)
            if two_factor_done(user):
                return redirect(_next_url(request))
            return _to_second_factor(_next_url(request))
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "next": _next_url(request),
            "lockout": in_words(settings.AXES_COOLOFF_TIME),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "organisation_sign_in": settings.OIDC_BUTTON_LABEL if settings.OIDC_ENABLED else "",
        },
    )


def _to_second_factor(next_url: str) -> HttpResponse:
    target = resolve_url("accounts:two_factor")
    return redirect(f"{target}?next={quote(next_url)}")


@require_POST
@password_only
def sign_out_view(request: HttpRequest) -> HttpResponse:
    user_sign_out(request=request)
    messages.info(request, "You have signed out.")
    response = redirect("accounts:login")
    # Unsent drafts (notes about children) must not stay for the next person on this
    # browser: drafts.js clears them as the form is sent; this covers a page without it.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@password_only
def two_factor_view(request: HttpRequest) -> HttpResponse:
    if two_factor_done(request.user):
        return redirect(_next_url(request))
    if not has_confirmed_device(user=request.user):
        setup = resolve_url("accounts:two_factor_setup")
        if request.GET.get("next"):
            setup += f"?next={quote(_next_url(request))}"
        return redirect(setup)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", "That code is not right or has expired. Try the newest code.")
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)})


@password_only
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    # A person with an app sets up another only from Your account, after their password
    # (the session's mark); the old app keeps working until the new one is confirmed.
    replacing = bool(request.session.get(REPLACING_AUTHENTICATOR)) and two_factor_done(request.user)
    if has_confirmed_device(user=request.user) and not replacing:
        return redirect("accounts:two_factor")
    device = totp_device_for_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed, codes = totp_confirm(
            request=request, device=device, token=form.cleaned_data["token"]
        )
        if confirmed:
            request.session.pop(REPLACING_AUTHENTICATOR, None)
            if not codes:
                messages.success(request, "Your new authenticator app is set up.")
                return redirect(_next_url(request))
            # Shown once, in the answer to this POST: the codes are not kept for display.
            return render(
                request,
                "accounts/recovery_codes_shown.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error(
            "token",
            "That code is not right. Check the app shows Scrutiny, then enter the newest code.",
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=4, dark="#000", light="#fff"),
            "secret": _spaced_secret(device),
            "next": _next_url(request),
        },
    )


def _spaced_secret(device: object) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")  # type: ignore[attr-defined]
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@password_only
def two_factor_recovery_view(request: HttpRequest) -> HttpResponse:
    """A person without their phone finishes signing in with a recovery code."""
    if two_factor_done(request.user):
        return redirect(_next_url(request))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if recovery_code_sign_in(request=request, code=form.cleaned_data["code"]):
            left = recovery_codes_left(user=request.user)
            messages.success(
                request,
                f"You signed in with a recovery code. You have {left} left: if your phone is "
                "lost, set up a new authenticator app from Your account.",
            )
            return redirect(_next_url(request))
        form.add_error("code", "That recovery code is not right, or it has been used already.")
    return render(
        request, "accounts/two_factor_recovery.html", {"form": form, "next": _next_url(request)}
    )


# Single sign-on ---------------------------------------------------------------------


def _provider_not_answering(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        "The organisation's sign-in service is not answering. Try again later, or sign "
        "in with your Scrutiny username and password.",
    )
    return redirect("accounts:login")


@public
def oidc_start_view(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    try:
        response: HttpResponse = oidc.OrganisationSignInStart.as_view()(request)
    except oidc.ProviderUnavailable:
        return _provider_not_answering(request)
    return response


class _OrganisationSignInCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    def login_success(self) -> HttpResponse:
        mfa = bool(getattr(self.user, "provider_asserted_mfa", False))
        user_sign_in_with_provider(request=self.request, user=self.user, mfa=mfa)
        next_url = self.success_url
        return redirect(next_url) if mfa else _to_second_factor(next_url)

    def login_failure(self) -> HttpResponse:
        user_sign_in_with_provider_failed(
            reason=self.request.GET.get("error", "no active user with that verified e-mail")[:80]
        )
        messages.error(
            self.request,
            "Your organisation's account is not linked to anyone in Scrutiny. Ask your site "
            "administrator to add your work e-mail address to your Scrutiny account.",
        )
        return redirect("accounts:login")


@public
def oidc_callback_view(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    try:
        response: HttpResponse = _OrganisationSignInCallback.as_view()(request)
    except (oidc.ProviderUnavailable, requests.RequestException):
        # The provider went away between the button and the code exchange.
        user_sign_in_with_provider_failed(reason="the provider did not answer")
        return _provider_not_answering(request)
    return response


# Your account -----------------------------------------------------------------------


@signed_in
def account_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {"state": sign_in_state(user=request.user), "session": in_words(_session_length())},
    )


def _session_length() -> timedelta:
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)


@signed_in
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_password_change(request=request, password=form.cleaned_data["new_password1"])
        messages.success(request, "Your password is changed.")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@signed_in
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        codes = recovery_codes_replace(actor=request.user, user=request.user)
        return render(
            request,
            "accounts/recovery_codes_shown.html",
            {"codes": codes, "next": resolve_url("accounts:account"), "first_time": False},
        )
    return render(
        request, "accounts/recovery_codes.html", {"left": recovery_codes_left(user=request.user)}
    )


@signed_in
def authenticator_replace_view(request: HttpRequest) -> HttpResponse:
    """A new phone: confirm with the password, then set the new app up."""
    form = _PasswordCheckForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[REPLACING_AUTHENTICATOR] = True
        setup = resolve_url("accounts:two_factor_setup")
        return redirect(f"{setup}?next={quote(resolve_url('accounts:account'))}")
    return render(request, "accounts/authenticator_replace.html", {"form": form})


class _PasswordCheckForm(PasswordChangeForm):
    """Only the current password of Django's form."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        del self.fields["new_password1"], self.fields["new_password2"]
        self.fields["old_password"].label = "Your password"


# Password reset by e-mail (Django's own views, design-system pages) --------------------


class _PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # The new password goes through the service, which writes the audit row.
        user_password_set(
            actor=self.user,
            user=self.user,
            password=form.cleaned_data["new_password1"],
            how="reset link",
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


password_reset_view = public(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_sent"),
        extra_email_context={"lifetime": link_lifetime},
    )
)
password_reset_sent_view = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm_view = public(_PasswordResetConfirm.as_view())
password_reset_complete_view = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


# People (site administrators) -------------------------------------------------------


@administrator
def user_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/users.html", {"users": user_list()})


@administrator
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    status = 200
    created: list[Any] = []
    if request.method == "POST" and form.is_valid():
        status = run_service(
            form, lambda: created.append(user_create(actor=request.user, **form.cleaned_data))
        )
        if not status:
            user = created[0]
            messages.success(
                request,
                f"User {user.get_username()} created. They set up "
                "two-factor authentication when they first sign in.",
            )
            if not user.has_usable_password():
                messages.info(request, "Give them a link to set their password.")
                return redirect("accounts:user_password_reset", user_id=user.pk)
            return redirect("accounts:user", user_id=user.pk)
    return render(request, "accounts/user_create.html", {"form": form}, status=status or 200)


@administrator
def user_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_user_by_id(user_id=user_id)
    initial = {name: getattr(person, name) for name in EDITABLE}
    form = UserEditForm(request.POST or None, initial={**initial, "version": user_version(person)})
    status = 200
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        status = run_service(
            form,
            lambda: user_update(actor=request.user, user=person, changes=changes, version=version),
        )
        if not status:
            messages.success(request, f"Saved the changes to {person.get_username()}.")
            return redirect("accounts:user", user_id=person.pk)
    return render(
        request,
        "accounts/user.html",
        {
            "person": person,
            "form": form,
            "state": sign_in_state(user=person),
            "is_self": person == request.user,
        },
        status=status or 200,
    )


def _person_action(
    request: HttpRequest, user_id: int, action: Callable[..., Any], done: str
) -> HttpResponse:
    person = access_user_by_id(user_id=user_id)
    try:
        action(actor=request.user, user=person)
    except Refused as exc:
        for reason in exc.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, done.format(name=person.get_username()))
    return redirect("accounts:user", user_id=person.pk)


@require_POST
@administrator
def user_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    return _person_action(
        request, user_id, user_deactivate, "{name} is deactivated and signed out everywhere."
    )


@require_POST
@administrator
def user_reactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    return _person_action(request, user_id, user_reactivate, "{name} can sign in again.")


@require_POST
@administrator
def user_unlock_view(request: HttpRequest, user_id: int) -> HttpResponse:
    return _person_action(request, user_id, user_unlock, "{name} can try to sign in again now.")


@require_POST
@administrator
def user_two_factor_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    return _person_action(
        request,
        user_id,
        user_two_factor_reset,
        "Two-factor authentication of {name} is reset: they set up a new authenticator app "
        "when they next sign in.",
    )


@administrator
def user_password_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """A one-time link to set a new password: e-mailed, or shown here once."""
    person = access_user_by_id(user_id=user_id)
    form = PasswordResetChoiceForm(
        request.POST or None, initial={"how": "email" if person.email else "show"}
    )
    status = 200
    links: list[str] = []
    if request.method == "POST" and form.is_valid():
        send = form.cleaned_data["how"] == "email"
        status = run_service(
            form,
            lambda: links.append(
                user_password_reset(
                    actor=request.user,
                    user=person,
                    base_url=request.build_absolute_uri("/"),
                    send=send,
                )
            ),
        )
        if not status and send:
            messages.success(
                request, f"A link to set a new password is on its way to {person.email}."
            )
            return redirect("accounts:user", user_id=person.pk)
    return render(
        request,
        "accounts/user_password_reset.html",
        {
            "person": person,
            "form": form,
            "link": links[0] if links else "",
            "lifetime": link_lifetime(),
        },
        status=status or 200,
    )
