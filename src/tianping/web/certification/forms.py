from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.web.certification import selectors
from tianping.web.certification.models import CertificationBody, Finding
from tianping.web.systems.models import AISystem

MAX_DOCUMENT_CHARS = 1024 * 1024
"""A pasted certificate: far more than any credential needs."""


class ApplyForm(forms.Form):
    system = forms.ModelChoiceField(label=_("AI system"), queryset=AISystem.objects.none())
    scheme = forms.ChoiceField(label=_("Level or certificate"))
    issuer = forms.ModelChoiceField(
        label=_("Issuing body"), queryset=CertificationBody.objects.none()
    )

    def __init__(self, *args: Any, systems: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems  # type: ignore[attr-defined]
        self.fields["scheme"].choices = selectors.scheme_choices()  # type: ignore[attr-defined]
        self.fields["issuer"].queryset = selectors.issuing_bodies()  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    evaluators = forms.MultipleChoiceField(
        label=_("Evaluators"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].choices = [  # type: ignore[attr-defined]
            (str(user.pk), f"{user.get_full_name() or user.get_username()} · {body}")
            for user, body in candidates
        ]


class FindingsForm(forms.Form):
    def __init__(self, *args: Any, requirements: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requirement_ids = []
        for result in requirements:
            self.requirement_ids.append(result.id)
            self.fields[f"c_{result.id}"] = forms.ChoiceField(
                label=result.id, choices=Finding.Conclusion.choices, widget=forms.RadioSelect
            )
            self.fields[f"n_{result.id}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000
            )

    def findings(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {r: (data[f"c_{r}"], data.get(f"n_{r}", "")) for r in self.requirement_ids}


class DecideForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Grant the certificate")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=5000, widget=forms.Textarea
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class VerifyForm(forms.Form):
    document = forms.CharField(
        label=_("Certificate (JSON)"),
        max_length=MAX_DOCUMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("document"):
            data["text"] = data["document"].encode("utf-8")
        return data
