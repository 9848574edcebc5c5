from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = "Provisioning"

    def ready(self):
        from provisioning import jobs  # noqa: F401  (declares the jobs in the registry)
