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
    path(
        "programmes/<slug:programme_id>/open-data/",
        views.data_dictionary_view,
        name="data_dictionary",
    ),
]
