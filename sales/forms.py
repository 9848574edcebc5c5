import datetime as dt
import zoneinfo
from decimal import Decimal

from django import forms

from sales.models import Reseller
from sales.services.reports import GRAINS


class RangeForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    grain = forms.ChoiceField(label="By", choices=[(g, g) for g in GRAINS], initial="day",
                              required=False)

    MAX_DAYS = 3 * 366

    def clean(self):
        data = super().clean()
        data["grain"] = data.get("grain") or "day"
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("“To” is before “From”.")
            if (end - start).days > self.MAX_DAYS:
                raise forms.ValidationError("A report covers at most three years.")
        return data


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone", help_text="Reports count days, weeks and months in this zone.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(z, z) for z in sorted(
            zoneinfo.available_timezones())]


class SellForm(forms.Form):
    profile = forms.ModelChoiceField(queryset=None, label="Profile")

    def __init__(self, *args, organization, **kwargs):
        from vouchers.models import VoucherProfile

        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = VoucherProfile.objects.filter(
            organization=organization)


class CodeForm(forms.Form):
    code = forms.CharField(max_length=40, label="Voucher code")


class ResellerForm(forms.ModelForm):
    class Meta:
        model = Reseller
        fields = ["name", "phone"]


class HandOverForm(forms.Form):
    batch = forms.ModelChoiceField(queryset=None)
    count = forms.IntegerField(min_value=1, max_value=100_000)
    price = forms.DecimalField(min_value=Decimal(0), max_digits=10, decimal_places=2,
                               label="Price per voucher")

    def __init__(self, *args, organization, **kwargs):
        from vouchers.models import VoucherBatch

        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = VoucherBatch.objects.filter(
            organization=organization).select_related("profile")


class PaymentForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    note = forms.CharField(max_length=200, required=False)


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name (where the key is used)")


def default_range(today: dt.date) -> dict:
    return {"start": today.replace(day=1), "end": today, "grain": "day"}
