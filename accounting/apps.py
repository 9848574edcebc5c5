from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "accounting"
    verbose_name = "Accounting and sessions"

    def ready(self):
        from accounting import jobs  # noqa: F401
