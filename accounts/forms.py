from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator

from hotspot.inputs import CleanTextMixin


class PasswordChangeForm(CleanTextMixin, auth_forms.PasswordChangeForm):
    """Django's form (old password, the new one twice, every AUTH_PASSWORD_VALIDATORS)."""


class LoginForm(CleanTextMixin, auth_forms.AuthenticationForm):
    """Django's login form, with its user name length enforced (Django sets it for the
    HTML attribute only): a longer name is never looked up or recorded as an attempt."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
        self.fields["password"].validators.append(MaxLengthValidator(4096))
