from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "scrutiny.web.evaluations"
    label = "evaluations"
    default_auto_field = "django.db.models.BigAutoField"
