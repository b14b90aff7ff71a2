from django.urls import path

from scrutiny.web.evidence import views

app_name = "evidence"
urlpatterns = [
    path("inspections/<int:inspection_id>/evidence/", views.evidence_list_view, name="list"),
    path(
        "inspections/<int:inspection_id>/evidence/<int:evidence_id>/",
        views.evidence_detail_view,
        name="detail",
    ),
    path(
        "inspections/<int:inspection_id>/evidence/<int:evidence_id>/edit/",
        views.evidence_edit_view,
        name="edit",
    ),
]
