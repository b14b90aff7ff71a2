from django.urls import path

from scrutiny.web.jobs import views

app_name = "jobs"
urlpatterns = [
    path("inspections/<int:inspection_id>/jobs/<int:job_id>/", views.job_view, name="job"),
    path(
        "inspections/<int:inspection_id>/jobs/<int:job_id>/file/",
        views.job_file_view,
        name="job_file",
    ),
    path("jobs/<int:job_id>/", views.site_job_view, name="site_job"),
]
