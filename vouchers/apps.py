from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = "Vouchers"

    def ready(self):
        from vouchers import jobs, signals  # noqa: F401  (jobs register their periodic runs)
