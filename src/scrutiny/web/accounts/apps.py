from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "scrutiny.web.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scrutiny.web.accounts import checks  # noqa: F401  (registers the deploy checks)
