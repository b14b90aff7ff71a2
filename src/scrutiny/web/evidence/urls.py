from django.urls import path

from scrutiny.web.evidence import views

app_name = "evidence"
base = "inspections/<int:inspection_id>/evidence/"
urlpatterns = [
    path(base, views.evidence_list_view, name="list"),
    path(f"{base}new/", views.evidence_create_view, name="create"),
    path(f"{base}tag/", views.evidence_bulk_tag_view, name="bulk_tag"),
    path(f"{base}suggest/", views.evidence_suggest_view, name="suggest"),
    path(f"{base}coverage/", views.evidence_coverage_view, name="coverage"),
    path(
        f"{base}coverage/question/<int:question>/",
        views.evidence_coverage_question_view,
        name="coverage_question",
    ),
    path(
        f"{base}coverage/indicator/<str:indicator>/",
        views.evidence_coverage_indicator_view,
        name="coverage_indicator",
    ),
    path(f"{base}<int:evidence_id>/", views.evidence_detail_view, name="detail"),
    path(f"{base}<int:evidence_id>/edit/", views.evidence_edit_view, name="edit"),
    path(
        f"{base}<int:evidence_id>/attachments/<int:attachment_id>/",
        views.attachment_download_view,
        name="attachment",
    ),
    path(
        f"{base}<int:evidence_id>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove_view,
        name="attachment_remove",
    ),
]
