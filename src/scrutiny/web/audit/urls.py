from django.urls import path

from scrutiny.web.audit import views

app_name = "audit"
urlpatterns = [
    path("inspections/<int:inspection_id>/audit/", views.audit_list_view, name="list"),
    path("inspections/<int:inspection_id>/audit.csv", views.audit_csv_view, name="csv"),
]
