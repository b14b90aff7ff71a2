from django.urls import path

from scrutiny.web.records import views

app_name = "records"
urlpatterns = [
    path("inspections/<int:inspection_id>/records/", views.reading_list_view, name="list"),
    path(
        "inspections/<int:inspection_id>/records/<int:reading_id>/",
        views.reading_detail_view,
        name="detail",
    ),
]
