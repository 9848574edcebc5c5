from django.apps import AppConfig


class HotspotConfig(AppConfig):
    name = "hotspot"
    verbose_name = "Hotspot system"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from hotspot import (
            checks,  # noqa: F401  (registers the system checks)
            sessions,
        )

        user_logged_out.connect(sessions.on_logout, dispatch_uid="hotspot-close-sockets")
