from django import forms

from hotspot import outbound
from hotspot.inputs import CleanTextMixin
from radius.models import RadiusServer


def port_field(label: str, initial: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=65535, initial=initial)


class RadiusServerForm(CleanTextMixin, forms.ModelForm):
    """The NAS secret is write-only: never rendered back; left blank on edit, it is kept.
    The agent token is the product's to make (radius.scopes), not typed in."""

    agent_url = forms.URLField(
        label="Agent API base URL", max_length=300, assume_scheme="http",
        help_text="The agent API next to FreeRADIUS. This product serves it itself at "
                  "…/radius/agent/ (the address shown above the form); a separate agent "
                  "installation has the same path.",
    )
    auth_port = port_field("Auth port", 1812)
    acct_port = port_field("Acct port", 1813)
    nas_secret = forms.CharField(
        label="NAS shared secret", required=False, strip=True, max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = RadiusServer
        fields = ["name", "host", "auth_port", "acct_port", "agent_url", "is_active"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if self.instance.pk:
            self.fields["nas_secret"].help_text = "Set. Leave blank to keep it."

    def clean_agent_url(self):
        url = self.cleaned_data["agent_url"]
        problem = outbound.url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean(self):
        data = super().clean()
        if not data.get("nas_secret") and not self.instance.pk:
            self.add_error("nas_secret", "Required.")
        name = data.get("name")
        others = RadiusServer.objects.filter(organization=self.organization, name=name)
        if name and others.exclude(pk=self.instance.pk).exists():
            self.add_error("name", "You already have a RADIUS server with this name.")
        return data

    def save(self, commit=True):
        server = super().save(commit=False)
        server.organization = self.organization
        if self.cleaned_data.get("nas_secret"):
            server.nas_secret = self.cleaned_data["nas_secret"]
        if commit:
            server.save()
        return server
