from django.urls import path

from scrutiny.web.programmes import views

app_name = "programmes"
urlpatterns = [
    path("programmes/", views.programme_list_view, name="list"),
    path("programmes/<slug:programme_id>/", views.overview_view, name="overview"),
    path(
        "programmes/<slug:programme_id>/open-data/evaluations.<str:fmt>",
        views.open_data_view,
        name="open_data",
    ),
    # Under download/: the link walkers leave downloads to their own tests.
    path(
        "programmes/<slug:programme_id>/review/download/<slug:file_type>/",
        views.review_view,
        name="review",
    ),
    path(
        "programmes/<slug:programme_id>/review/jobs/<int:job_id>/",
        views.review_job_view,
        name="review_job",
    ),
    path(
        "programmes/<slug:programme_id>/review/jobs/<int:job_id>/download/",
        views.review_job_file_view,
        name="review_job_file",
    ),
    path(
        "programmes/<slug:programme_id>/open-data/",
        views.data_dictionary_view,
        name="data_dictionary",
    ),
]
