from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from scrutiny.web.accounts.forms import SignInForm, TokenForm, UserCreateForm
from scrutiny.web.accounts.services import (
    has_confirmed_device,
    totp_confirm,
    totp_device_for_enrolment,
    totp_verify,
    user_create,
    user_sign_in,
    user_sign_in_failed,
    user_sign_out,
)
from scrutiny.web.rules import administrator, password_only, public, two_factor_done


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
            target = resolve_url("accounts:two_factor")
            return redirect(f"{target}?next={_next_url(request)}")
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)})


@require_POST
@password_only
def sign_out_view(request: HttpRequest) -> HttpResponse:
    user_sign_out(request=request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


@password_only
def two_factor_view(request: HttpRequest) -> HttpResponse:
    if two_factor_done(request.user):
        return redirect(_next_url(request))
    if not has_confirmed_device(user=request.user):
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", "That code is not right or has expired. Try the newest code.")
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)})


@password_only
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    if has_confirmed_device(user=request.user):
        return redirect("accounts:two_factor")
    device = totp_device_for_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            messages.success(request, "Your authenticator app is set up.")
            return redirect(_next_url(request))
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


@administrator
def user_list_view(request: HttpRequest) -> HttpResponse:
    users = get_user_model().objects.order_by("username")
    return render(request, "accounts/users.html", {"users": users})


@administrator
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if get_user_model().objects.filter(username=form.cleaned_data["username"]).exists():
            form.add_error("username", "A user with this username already exists.")
        else:
            user = user_create(actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                f"User {user.get_username()} created. They set up "
                "two-factor authentication when they first sign in.",
            )
            return redirect("accounts:users")
    return render(request, "accounts/user_create.html", {"form": form})
