from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import SavedPull, SourceConnection, parse_url


class ConnectionForm(forms.ModelForm):
    """A connection's URL is edited without its password; a blank password keeps the stored one."""

    password = forms.CharField(
        label=_("密码"), required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("加密保存，不再显示；留空则保留原密码"),
    )

    class Meta:
        model = SourceConnection
        fields = ["name", "source", "url", "password", "password_env"]

    def clean_url(self):
        url = parse_url(self.cleaned_data["url"])
        if url.password and url.password != "***":
            # A password typed into the URL is taken out and encrypted like the password field.
            self.cleaned_data["url_password"] = url.password
        return self.cleaned_data["url"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_env"):
            raise ValidationError(_("密码和密码环境变量只填一项"))
        return data

    def save(self, commit=True):
        connection = super().save(commit=False)
        password = self.cleaned_data.get("password") or self.cleaned_data.get("url_password")
        connection.set_url(self.cleaned_data["url"], password=password)
        if self.cleaned_data.get("password_env"):
            connection.password_encrypted = ""
        if commit:
            connection.save()
        return connection


class PullForm(forms.ModelForm):
    class Meta:
        model = SavedPull
        fields = [
            "name", "connection", "table", "query", "source_table", "incremental_column", "cadence",
            "partial", "enabled", "chunk_size",
        ]
        widgets = {"query": forms.Textarea(attrs={"rows": 5, "class": "mono"})}
