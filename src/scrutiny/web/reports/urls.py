from django.urls import path

from scrutiny.web.reports import views

app_name = "reports"
base = "inspections/<int:inspection_id>/report/"
urlpatterns = [
    path(base, views.overview_view, name="overview"),
    path(f"{base}sections/<slug:section>/", views.section_view, name="section"),
    path(
        f"{base}sections/<slug:section>/<slug:part>/add/",
        views.statement_add_view,
        name="statement_add",
    ),
    path(f"{base}statements/<int:statement_id>/", views.statement_edit_view, name="statement_edit"),
    path(
        f"{base}statements/<int:statement_id>/move/",
        views.statement_move_view,
        name="statement_move",
    ),
    path(
        f"{base}statements/<int:statement_id>/delete/",
        views.statement_delete_view,
        name="statement_delete",
    ),
    path(
        f"{base}statements/<int:statement_id>/comment/",
        views.statement_comment_view,
        name="statement_comment",
    ),
    path(
        f"{base}key-facts/<int:key_fact_id>/comment/",
        views.key_fact_comment_view,
        name="key_fact_comment",
    ),
    path(f"{base}details/", views.details_view, name="details"),
    path(f"{base}status/<slug:transition>/", views.transition_view, name="transition"),
    path(f"{base}draft/", views.shared_draft_view, name="shared_draft"),
    path(f"{base}comments/", views.comment_list_view, name="comments"),
    path(
        f"{base}comments/<int:comment_id>/resolve/",
        views.comment_resolve_view,
        name="comment_resolve",
    ),
    path(f"{base}read/<slug:report_version>/", views.preview_view, name="preview"),
    path(
        f"{base}download/<slug:report_version>/<slug:file_type>/",
        views.download_view,
        name="download",
    ),
    path(f"{base}template/", views.template_view, name="template"),
    path(f"{base}template/remove/", views.template_remove_view, name="template_remove"),
    # The organisation's template, kept by the site administrator for every inspection.
    path("report-template/", views.organisation_template_view, name="organisation_template"),
    path(
        "report-template/remove/",
        views.organisation_template_remove_view,
        name="organisation_template_remove",
    ),
]
