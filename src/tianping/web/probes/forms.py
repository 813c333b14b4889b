"""Forms of chat endpoints and probe runs (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.web.probes.labels import LANGUAGE_LABELS
from tianping.web.probes.services import LANGUAGES, MAX_SAMPLES


class EndpointForm(forms.Form):
    base_url = forms.CharField(
        label=_("Base URL"),
        max_length=500,
        help_text=_("The OpenAI-compatible base URL, e.g. https://chat.example.cn/v1."),
    )
    model = forms.CharField(label=_("Model"), max_length=200)
    temperature = forms.FloatField(label=_("Temperature"), min_value=0.0, max_value=2.0, initial=0)
    max_output_tokens = forms.IntegerField(
        label=_("Maximum tokens per reply"), min_value=1, max_value=32768, initial=512
    )
    api_key = forms.CharField(
        label=_("API key"),
        required=False,
        max_length=4096,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the stored key."),
    )
    clear_key = forms.BooleanField(label=_("Remove the stored API key"), required=False)


class ProbeRunForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        initial=list(LANGUAGES),
    )
    samples = forms.IntegerField(
        label=_("Samples per probe"), min_value=1, max_value=MAX_SAMPLES, initial=1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].error_messages["invalid_choice"] = _(
            "Choose Chinese, English or both."
        )
