from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "scrutiny.web.api"
    label = "api"
    verbose_name = "REST API"
