from django.urls import path

from scrutiny.web.partnership import views

app_name = "partnership"
_base = "inspections/<int:inspection_id>/partnership"
_plan = "inspections/<int:inspection_id>/action-plan"
urlpatterns = [
    path(f"{_base}/", views.home_view, name="home"),
    path(f"{_base}/send/", views.send_view, name="send"),
    path(f"{_base}/coordinators/", views.coordinators_view, name="coordinators"),
    path(f"{_base}/documents/", views.documents_view, name="documents"),
    path(f"{_base}/documents/<int:document_id>/", views.decide_view, name="decide"),
    path(f"{_base}/documents/<int:document_id>/file/", views.file_view, name="file"),
    path(f"{_base}/readers/", views.readers_view, name="readers"),
    path(f"{_plan}/", views.action_plan_view, name="action_plan"),
    path(f"{_plan}/actions/new/", views.action_add_view, name="action_add"),
    path(f"{_plan}/submit/", views.action_plan_submit_view, name="action_plan_submit"),
    path(f"{_plan}/review/", views.action_plan_review_view, name="action_plan_review"),
    path(f"{_plan}/link-inspector/", views.link_inspector_view, name="link_inspector"),
    path(
        "inspections/<int:inspection_id>/progress-review/",
        views.progress_review_view,
        name="progress_review",
    ),
]
