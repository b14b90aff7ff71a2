from django.urls import path

from scrutiny.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/sign-in/", views.sign_in_view, name="login"),
    path("accounts/sign-out/", views.sign_out_view, name="logout"),
    path("accounts/two-factor/", views.two_factor_view, name="two_factor"),
    path("accounts/two-factor/set-up/", views.two_factor_setup_view, name="two_factor_setup"),
    path(
        "accounts/two-factor/recovery-code/",
        views.two_factor_recovery_view,
        name="two_factor_recovery",
    ),
    # Single sign-on with the organisation's accounts (404 unless configured).
    path("accounts/organisation/sign-in/", views.oidc_start_view, name="oidc_start"),
    path("accounts/organisation/callback/", views.oidc_callback_view, name="oidc_callback"),
    # Your account
    path("accounts/you/", views.account_view, name="account"),
    path("accounts/you/password/", views.password_change_view, name="password_change"),
    path("accounts/you/recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path(
        "accounts/you/new-authenticator/",
        views.authenticator_replace_view,
        name="authenticator_replace",
    ),
    # Forgotten passwords (Django's views)
    path("accounts/password-reset/", views.password_reset_view, name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        views.password_reset_sent_view,
        name="password_reset_sent",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.password_reset_confirm_view,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        views.password_reset_complete_view,
        name="password_reset_complete",
    ),
    # People (site administrators)
    path("accounts/users/", views.user_list_view, name="users"),
    path("accounts/users/new/", views.user_create_view, name="user_create"),
    path("accounts/users/<int:user_id>/", views.user_view, name="user"),
    path(
        "accounts/users/<int:user_id>/deactivate/",
        views.user_deactivate_view,
        name="user_deactivate",
    ),
    path(
        "accounts/users/<int:user_id>/reactivate/",
        views.user_reactivate_view,
        name="user_reactivate",
    ),
    path("accounts/users/<int:user_id>/unlock/", views.user_unlock_view, name="user_unlock"),
    path(
        "accounts/users/<int:user_id>/reset-two-factor/",
        views.user_two_factor_reset_view,
        name="user_two_factor_reset",
    ),
    path(
        "accounts/users/<int:user_id>/reset-password/",
        views.user_password_reset_view,
        name="user_password_reset",
    ),
]
