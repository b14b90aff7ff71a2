from django.urls import path

from scrutiny.web.surveys import views

app_name = "surveys"
base = "inspections/<int:inspection_id>/surveys/"
urlpatterns = [
    path(base, views.survey_list_view, name="list"),
    path(f"{base}<slug:survey_id>/", views.survey_responses_view, name="responses"),
    path(f"{base}<slug:survey_id>/results/", views.survey_results_view, name="results"),
    path(f"{base}<slug:survey_id>/results.csv", views.survey_results_export_view, name="export"),
    path(f"{base}<slug:survey_id>/import/", views.survey_upload_view, name="upload"),
    path(f"{base}imports/<int:import_id>/", views.import_view, name="import"),
    path(
        f"{base}imports/<int:import_id>/columns/", views.import_columns_view, name="import_columns"
    ),
    path(f"{base}imports/<int:import_id>/answers/", views.import_values_view, name="import_values"),
    path(
        f"{base}imports/<int:import_id>/preview/", views.import_preview_view, name="import_preview"
    ),
]
