from django import forms

from hotspot import outbound
from hotspot.inputs import CleanTextMixin
from routers.models import Router
from routers.services import naming


class RouterForm(CleanTextMixin, forms.Form):
    """Stage 1: the router's identity and how the server reaches it."""

    name = forms.CharField(
        max_length=300, help_text="Becomes the router's identity; the API user is api-<name>.")
    host = forms.CharField(
        label="Management host", max_length=253,
        help_text="IP address or DNS name this server reaches the router at.")
    api_port = forms.IntegerField(
        label="API port", required=False, min_value=1, max_value=65535,
        help_text="8728 for the API, 8729 with TLS (blank: the default).")
    use_tls = forms.BooleanField(label="Use TLS (api-ssl)", required=False)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if self.data.get("same_address_ok"):
            self.fields["same_address_ok"] = self.same_address_field()

    @staticmethod
    def same_address_field() -> forms.BooleanField:
        return forms.BooleanField(
            required=False, label="Add it anyway: it is another router behind the same address")

    def same_address(self, host: str, port: int):
        """Routers of this organization already managed at host:port."""
        routers = Router.objects.filter(organization=self.organization, host__iexact=host)
        return [r for r in routers.only("name", "api_port") if r.api_port == port]

    def clean_name(self):
        name = self.cleaned_data["name"]
        problem = naming.name_problem(name)
        if problem:
            raise forms.ValidationError(problem)
        if Router.objects.filter(organization=self.organization, name__iexact=name).exists():
            raise forms.ValidationError(f"A router named {name!r} already exists.")
        return name

    def clean_host(self):
        host = self.cleaned_data["host"].strip()
        problem = naming.host_problem(host)
        if problem:
            raise forms.ValidationError(problem)
        return host

    def clean(self):
        data = super().clean()
        host = data.get("host")
        if host and "api_port" not in self.errors:
            port = data.get("api_port") or (8729 if data.get("use_tls") else 8728)
            problem = outbound.host_problem(host, port)
            if problem:
                self.add_error("host", problem)
            twins = self.same_address(host, port)
            if twins and not self.data.get("same_address_ok"):
                # A warning, not a refusal: two routers can sit behind one NAT address, but
                # the same router added twice would be probed and configured twice.
                names = ", ".join(r.name for r in twins)
                self.fields["same_address_ok"] = self.same_address_field()
                self.add_error("host", f"{names} already uses {host}:{port}. Is this the same "
                                       "router? If it is another one, tick “Add it anyway”.")
        return data
