from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = "PPPoE subscribers and plans"

    def ready(self):
        from subscribers import jobs  # noqa: F401  (declares the jobs and periodic checks)
