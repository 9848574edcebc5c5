from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "fleet"
    verbose_name = "Fleet: imports, health, live data"

    def ready(self):
        from fleet import jobs  # noqa: F401  (declares the jobs and periodic checks)
