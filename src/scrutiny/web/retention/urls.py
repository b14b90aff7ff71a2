from django.urls import path

from scrutiny.web.retention import views

app_name = "retention"
urlpatterns = [
    path("retention/", views.policy_view, name="policy"),
    path("retention/erase/", views.erase_view, name="erase"),
    path("retention/subject-access/", views.subject_access_view, name="subject_access"),
]
