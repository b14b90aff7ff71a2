from django.urls import path

from scrutiny.web.records import views

app_name = "records"
_base = "inspections/<int:inspection_id>/records"
urlpatterns = [
    path(f"{_base}/", views.reading_list_view, name="list"),
    path(f"{_base}/<int:reading_id>/", views.reading_detail_view, name="detail"),
    path(f"{_base}/sample/", views.sample_view, name="sample"),
    path(f"{_base}/sample/import/", views.sample_import_view, name="sample_import"),
    path(f"{_base}/sample/assign/", views.assign_view, name="assign"),
    path(f"{_base}/sample/second-readings/", views.second_readings_view, name="second_readings"),
    path(f"{_base}/read/<int:assignment_id>/", views.reading_form_view, name="reading"),
    path(f"{_base}/compare/<str:record>/", views.compare_view, name="compare"),
    path(f"{_base}/agreement/", views.agreement_view, name="agreement"),
    path(f"{_base}/agreement/<str:item>/", views.agreement_item_view, name="agreement_item"),
    path(f"{_base}/results/", views.results_view, name="results"),
    path(f"{_base}/results.<str:fmt>", views.results_export_view, name="results_export"),
]
