from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from scrutiny.web.form_errors import run_service
from scrutiny.web.rules import signed_in
from scrutiny.web.work.forms import NotificationSettingsForm
from scrutiny.web.work.notifications import KINDS
from scrutiny.web.work.selectors import my_work, notification_settings_for
from scrutiny.web.work.services import notification_settings_update


@signed_in
def my_work_view(request: HttpRequest) -> HttpResponse:
    work = my_work(user=request.user)
    return render(
        request,
        "work/my_work.html",
        {"work": work, "waiting": [w for w in work if not w.empty]},
    )


@signed_in
def notifications_view(request: HttpRequest) -> HttpResponse:
    current = notification_settings_for(user=request.user)
    form = NotificationSettingsForm(
        request.POST or None,
        initial={**{k: getattr(current, k) for k in KINDS}, "version": current.version},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            status = run_service(
                form,
                lambda: notification_settings_update(
                    actor=request.user,
                    user=request.user,
                    expected_version=data["version"],
                    choices={k: data[k] for k in KINDS},
                ),
            )
            if status == 0:
                messages.success(request, "Your e-mail notifications are saved.")
                return redirect("work:notifications")
    return render(
        request,
        "work/notifications.html",
        {"form": form, "has_email": bool(request.user.email)},
        status=status,
    )
