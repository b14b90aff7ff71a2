from django.urls import path

from scrutiny.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/sign-in/", views.sign_in_view, name="login"),
    path("accounts/sign-out/", views.sign_out_view, name="logout"),
    path("accounts/two-factor/", views.two_factor_view, name="two_factor"),
    path("accounts/two-factor/set-up/", views.two_factor_setup_view, name="two_factor_setup"),
    path("accounts/users/", views.user_list_view, name="users"),
    path("accounts/users/new/", views.user_create_view, name="user_create"),
]
