from django.urls import path

from scrutiny.web.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list_view, name="list"),
    path("inspections/new/", views.inspection_create_view, name="create"),
    path("inspections/import/", views.bundle_import_view, name="import"),
    path("inspections/<int:inspection_id>/", views.inspection_home_view, name="home"),
    path("inspections/<int:inspection_id>/edit/", views.inspection_edit_view, name="edit"),
    path("inspections/<int:inspection_id>/team/", views.team_view, name="team"),
    path(
        "inspections/<int:inspection_id>/team/<int:membership_id>/remove/",
        views.team_remove_view,
        name="team_remove",
    ),
    path(
        "inspections/<int:inspection_id>/team/<int:membership_id>/role/",
        views.team_role_view,
        name="team_role",
    ),
    path("inspections/<int:inspection_id>/export/", views.bundle_export_view, name="export"),
]
