from django.apps import AppConfig


class RoutersConfig(AppConfig):
    name = "routers"
    verbose_name = "Routers"

    def ready(self):
        from routers import jobs  # noqa: F401  (declares the jobs in the registry)
