from django.urls import include, path

from scrutiny.web.api.urls import token_urlpatterns

urlpatterns = [
    path("", include("scrutiny.web.accounts.urls")),
    path("", include("scrutiny.web.inspections.urls")),
    path("", include("scrutiny.web.records.urls")),
    path("", include("scrutiny.web.surveys.urls")),
    path("", include("scrutiny.web.evidence.urls")),
    path("", include("scrutiny.web.evaluations.urls")),
    path("", include("scrutiny.web.reports.urls")),
    path("", include("scrutiny.web.audit.urls")),
    path("", include("scrutiny.web.jobs.urls")),
    path("", include("scrutiny.web.retention.urls")),
    path("", include("scrutiny.web.programmes.urls")),
    path("", include("scrutiny.web.api.urls")),
    path("", include(token_urlpatterns)),
    path("", include("scrutiny.web.plans.urls")),
    path("", include("scrutiny.web.work.urls")),
]
