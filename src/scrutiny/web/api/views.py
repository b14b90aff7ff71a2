"""The pages where a person creates, sees and revokes their own API tokens, and the
API's documentation page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView

from scrutiny.web.api.apis import MAX_SURVEY_BODY_BYTES, MAX_SURVEY_RESPONSES
from scrutiny.web.api.forms import TokenCreateForm
from scrutiny.web.api.selectors import access_api_token_by_id, api_reference, api_token_list
from scrutiny.web.api.services import api_token_create, api_token_revoke
from scrutiny.web.form_errors import run_service
from scrutiny.web.rules import signed_in


@signed_in
def token_list_view(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST" and form.is_valid():
        created: list[str] = []
        status = (
            run_service(
                form,
                lambda: created.append(
                    api_token_create(
                        actor=request.user, user=request.user, name=form.cleaned_data["name"]
                    )[1]
                ),
            )
            or 200
        )
        if created:
            # Shown on this response only: the key is not stored and cannot be shown again.
            new_key = created[0]
            form = TokenCreateForm()
    elif request.method == "POST":
        status = 422
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": api_token_list(user=request.user), "new_key": new_key},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@signed_in
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access_api_token_by_id(user=request.user, token_id=token_id)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("api_tokens:list")


@signed_in
def docs_view(request: HttpRequest) -> HttpResponse:
    """The API reference as a plain page, built from the same OpenAPI schema."""
    return render(
        request,
        "api/docs.html",
        {
            "operations": api_reference(),
            "max_survey_responses": MAX_SURVEY_RESPONSES,
            "max_survey_megabytes": MAX_SURVEY_BODY_BYTES // (1024 * 1024),
        },
    )


class ConsoleView(SpectacularSwaggerSplitView):
    """Swagger UI from local files (drf-spectacular-sidecar), its start-up script served
    as a file so the page needs no inline script under our CSP."""

    template_name = "api/console.html"
    url_name = "api:schema"
    title = "Scrutiny API"


console_view = signed_in(ConsoleView.as_view())
