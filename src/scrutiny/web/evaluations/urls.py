from django.urls import path

from scrutiny.web.evaluations import views

app_name = "evaluations"
base = "inspections/<int:inspection_id>/"
urlpatterns = [
    path(f"{base}evaluation/", views.workspace_view, name="workspace"),
    path(f"{base}evaluation/qi/<str:indicator>/", views.indicator_view, name="indicator"),
    path(f"{base}evaluation/groups/<str:care_group>/", views.group_view, name="group"),
    path(f"{base}evaluation/judgement/", views.judgement_view, name="judgement"),
    path(f"{base}evaluation/moderation/", views.moderation_view, name="moderation"),
    path(f"{base}evaluation/moderation/agree/", views.agree_view, name="agree"),
    path(f"{base}evaluation/moderation/sign-off/", views.sign_off_view, name="sign_off"),
    path(f"{base}evaluation/moderation/reopen/", views.reopen_view, name="reopen"),
    path(f"{base}concerns/", views.concern_list_view, name="concerns"),
    path(f"{base}concerns/new/", views.concern_raise_view, name="concern_raise"),
    path(f"{base}concerns/<int:concern_id>/", views.concern_view, name="concern"),
    path(
        f"{base}concerns/<int:concern_id>/<slug:action>/",
        views.concern_action_view,
        name="concern_action",
    ),
]
