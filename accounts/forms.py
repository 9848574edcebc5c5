from django.contrib.auth import forms as auth_forms

from hotspot.inputs import CleanTextMixin


class PasswordChangeForm(CleanTextMixin, auth_forms.PasswordChangeForm):
    """Django's form (old password, the new one twice, every AUTH_PASSWORD_VALIDATORS)."""
