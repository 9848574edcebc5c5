from django import forms
from django.conf import settings

from hotspot.inputs import CleanTextMixin
from radius import ratelimit
from radius.models import RadiusServer
from routers.models import Router
from vouchers.models import Voucher, VoucherProfile
from vouchers.services.generate import ALPHABETS, MAX_CODE_LENGTH, MIN_CODE_LENGTH


class VoucherProfileForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = VoucherProfile
        fields = ["name", "time_limit", "data_limit", "rate_limit_up", "rate_limit_down",
                  "shared_users", "bind_device", "validity", "validity_seconds",
                  "fixed_expiry", "price"]
        labels = {"time_limit": "Time limit (seconds)", "data_limit": "Data limit (bytes)",
                  "shared_users": "Shared users (simultaneous sessions)",
                  "validity_seconds": "Valid for (seconds after first use)",
                  "rate_limit_up": "Upload rate", "rate_limit_down": "Download rate"}
        help_texts = {"rate_limit_up": "Bits per second with k, M or G, e.g. 1M; blank: no limit.",
                      "rate_limit_down": "Bits per second with k, M or G, e.g. 5M; blank: "
                                         "no limit.",
                      "time_limit": "All sessions together; 86400 is a day. Blank: no limit.",
                      "data_limit": "All sessions together; 1073741824 is 1 GB. Blank: no limit."}
        widgets = {"fixed_expiry": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def _rate(self, name, what):
        value = (self.cleaned_data.get(name) or "").strip()
        if value:
            try:
                ratelimit.check_rate(value, what)
            except ratelimit.RateLimitError as exc:
                raise forms.ValidationError(str(exc)) from None
        return value

    def clean_rate_limit_up(self):
        return self._rate("rate_limit_up", "upload rate")

    def clean_rate_limit_down(self):
        return self._rate("rate_limit_down", "download rate")

    def clean_price(self):
        price = self.cleaned_data.get("price")
        if price is not None and price < 0:
            raise forms.ValidationError("A price cannot be negative.")
        return price

    def clean(self):
        data = super().clean()
        if data.get("validity") == VoucherProfile.Validity.FIXED and not data.get("fixed_expiry"):
            self.add_error("fixed_expiry", "Set the expiry date for a fixed validity.")
        if data.get("shared_users") == 0:
            self.add_error("shared_users", "At least one user.")
        others = VoucherProfile.objects.filter(organization=self.organization,
                                               name=data.get("name"))
        if others.exclude(pk=self.instance.pk).exists():
            self.add_error("name", "You already have a profile with this name.")
        return data

    def save(self, commit=True):
        self.instance.organization = self.organization
        return super().save(commit)


class GenerateForm(CleanTextMixin, forms.Form):
    """What generate_batch needs; choices limited to the operator's organization."""

    profile = forms.ModelChoiceField(queryset=VoucherProfile.objects.none())
    router = forms.ModelChoiceField(queryset=Router.objects.none(), required=False,
                                    help_text="Its RADIUS server receives the vouchers.")
    radius_server = forms.ModelChoiceField(queryset=RadiusServer.objects.none(), required=False,
                                           label="or RADIUS server")
    count = forms.IntegerField(min_value=1, initial=100)
    code_length = forms.IntegerField(min_value=MIN_CODE_LENGTH, max_value=MAX_CODE_LENGTH,
                                     initial=8)
    alphabet = forms.ChoiceField(choices=[(k, v[0]) for k, v in ALPHABETS.items()])
    separate_password = forms.BooleanField(required=False,
                                           label="Separate password (else password = code)")
    prefix = forms.RegexField(regex=r"^[A-Za-z0-9]*$", max_length=10, required=False,
                              error_messages={"invalid": "Letters and digits only."})
    login_url = forms.CharField(max_length=300, required=False, label="Hotspot login URL",
                                help_text="The QR code opens it with the credentials.")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = VoucherProfile.objects.filter(organization=organization)
        self.fields["router"].queryset = Router.objects.filter(organization=organization)
        self.fields["radius_server"].queryset = RadiusServer.objects.filter(
            organization=organization
        )
        self.fields["count"].help_text = f"1 to {settings.VOUCHER_MAX_BATCH:,}"
        self.fields["login_url"].initial = settings.VOUCHER_LOGIN_URL

    def clean_count(self):
        count = self.cleaned_data["count"]
        if count > settings.VOUCHER_MAX_BATCH:
            raise forms.ValidationError(
                f"At most {settings.VOUCHER_MAX_BATCH:,} vouchers per batch."
            )
        return count


class VoucherFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(required=False, label="Code")
    state = forms.ChoiceField(required=False, choices=[("", "Any")] + Voucher.State.choices)
    sync = forms.ChoiceField(required=False, label="Sync status",
                             choices=[("", "Any")] + Voucher.SyncStatus.choices)
