from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "scrutiny.web.programmes"
    label = "programmes"
    verbose_name = "Programme overview"
