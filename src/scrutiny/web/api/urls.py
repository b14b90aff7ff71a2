from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from scrutiny.web.api import apis, views
from scrutiny.web.api.authentication import PersonalTokenAuthentication
from scrutiny.web.api.permissions import SignedInOrToken
from scrutiny.web.rules import api_token

app_name = "api"


def _api(view_class: type) -> object:
    return api_token(view_class.as_view())


schema_view = SpectacularAPIView.as_view(
    authentication_classes=[
        PersonalTokenAuthentication,
        *SignedInOrToken.session_authentication,
    ],
    permission_classes=[SignedInOrToken],
)

urlpatterns = [
    path("api/schema/", api_token(schema_view), name="schema"),
    path("api/docs/", views.docs_view, name="docs"),
    path("api/docs/console/", views.console_view, name="console"),
    path("api/inspections/", _api(apis.InspectionListApi), name="inspections"),
    path("api/inspections/<int:inspection_id>/", _api(apis.InspectionApi), name="inspection"),
    path(
        "api/programmes/<slug:programme_id>/overview/",
        _api(apis.ProgrammeOverviewApi),
        name="programme_overview",
    ),
    path(
        "api/inspections/<int:inspection_id>/evaluations/",
        _api(apis.EvaluationsApi),
        name="evaluations",
    ),
    path(
        "api/inspections/<int:inspection_id>/record-reading/results/",
        _api(apis.ReadingResultsApi),
        name="reading_results",
    ),
    path(
        "api/inspections/<int:inspection_id>/surveys/results/",
        _api(apis.SurveyResultsApi),
        name="survey_results",
    ),
    path(
        "api/inspections/<int:inspection_id>/surveys/<slug:survey_id>/responses/",
        _api(apis.SurveyResponsesApi),
        name="survey_responses",
    ),
    path(
        "api/inspections/<int:inspection_id>/evidence/",
        _api(apis.EvidenceListApi),
        name="evidence",
    ),
    path(
        "api/inspections/<int:inspection_id>/readings/",
        _api(apis.ReadingListApi),
        name="readings",
    ),
    path(
        "api/inspections/<int:inspection_id>/readings/<int:assignment_id>/",
        _api(apis.ReadingApi),
        name="reading",
    ),
    path("api/inspections/<int:inspection_id>/report/", _api(apis.ReportApi), name="report"),
    path(
        "api/inspections/<int:inspection_id>/report/statements/<int:statement_id>/comments/",
        _api(apis.StatementCommentApi),
        name="statement_comments",
    ),
]

token_urlpatterns = (
    [
        path("account/api-tokens/", views.token_list_view, name="list"),
        path(
            "account/api-tokens/<int:token_id>/revoke/",
            views.token_revoke_view,
            name="revoke",
        ),
    ],
    "api_tokens",
)
