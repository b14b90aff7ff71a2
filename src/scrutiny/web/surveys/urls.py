from django.urls import path

from scrutiny.web.surveys import views

app_name = "surveys"
urlpatterns = [
    path("inspections/<int:inspection_id>/surveys/", views.survey_list_view, name="list"),
    path(
        "inspections/<int:inspection_id>/surveys/<slug:survey_id>/",
        views.survey_responses_view,
        name="responses",
    ),
]
