from django.apps import AppConfig


class HotspotConfig(AppConfig):
    name = "hotspot"
    verbose_name = "Hotspot system"

    def ready(self):
        from hotspot import checks  # noqa: F401  (registers the system checks)
