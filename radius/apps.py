from django.apps import AppConfig


class RadiusConfig(AppConfig):
    name = "radius"
    verbose_name = "RADIUS"

    def ready(self):
        from radius import jobs, signals  # noqa: F401
