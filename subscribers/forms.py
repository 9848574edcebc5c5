"""Forms of plans and subscribers: field shapes here, rules in the services (one place)."""

from django import forms

from hotspot.inputs import CleanTextMixin
from radius.models import RadiusServer
from routers.models import Router
from subscribers.models import Plan, Subscriber

CONTACT = ("full_name", "phone", "email", "address", "notes")


class PlanForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ("name", "rate_limit", "quota_bytes", "quota_period", "price",
                  "billing_period", "addressing", "address_pool", "validity_days")


class SubscriberForm(CleanTextMixin, forms.ModelForm):
    password = forms.CharField(max_length=128, required=False, widget=forms.PasswordInput(
        render_value=False), help_text="Stored encrypted. Blank on edit keeps it.")

    class Meta:
        model = Subscriber
        fields = ("username", "password", "plan", "radius_server", "router", "static_ip",
                  "caller_id", "expires_at", *CONTACT)
        widgets = {"expires_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(organization=organization)
        self.fields["radius_server"].queryset = RadiusServer.objects.filter(
            organization=organization)
        self.fields["router"].queryset = Router.objects.filter(organization=organization)
        if self.instance.pk:
            # Plan and status change through their own actions (recorded, applied live).
            del self.fields["plan"]
            self.fields["username"].disabled = True
