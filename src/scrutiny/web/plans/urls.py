from django.urls import path

from scrutiny.web.plans import views

app_name = "plans"
_base = "inspections/<int:inspection_id>/timetable"
urlpatterns = [
    path(f"{_base}/", views.timetable_view, name="timetable"),
    path(f"{_base}/notification/", views.notification_edit_view, name="notification"),
    path(f"{_base}/stages/<slug:stage>/", views.stage_edit_view, name="stage"),
]
