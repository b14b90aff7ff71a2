from django.urls import path

from scrutiny.web.work import views

app_name = "work"
urlpatterns = [
    path("my-work/", views.my_work_view, name="my_work"),
    path("my-work/notifications/", views.notifications_view, name="notifications"),
]
