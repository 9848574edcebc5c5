from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organizations and operators"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from accounts import signals

        user_login_failed.connect(signals.login_failed, dispatch_uid="accounts-login-failed")
        user_locked_out.connect(signals.locked_out, dispatch_uid="accounts-locked-out")
