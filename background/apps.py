from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = "Background work"

    def ready(self):
        from background import jobs  # noqa: F401  (declares the housekeeping job)
