from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "livingwell.accounts"
    label = "accounts"

    def ready(self):
        from livingwell.accounts import signals  # noqa: F401  (connects the receivers)
