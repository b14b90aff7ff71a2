from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "scrutiny.web.inspections"
    label = "inspections"
    default_auto_field = "django.db.models.BigAutoField"
