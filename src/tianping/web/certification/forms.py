from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.selectors import display_name
from tianping.web.certification import selectors
from tianping.web.certification.countries import parse_destinations
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

    product_name = forms.CharField(
        label=_("Exported product"),
        max_length=200,
        required=False,
        help_text=_("Export certificate only."),
    )
    product_version = forms.CharField(label=_("Product version"), max_length=100, required=False)
    artefact_digests = forms.CharField(
        label=_("Model artefact digests"),
        required=False,
        max_length=20000,
        help_text=_("One artefact a line: name=SHA-256."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    destinations = forms.CharField(
        label=_("Destination markets"),
        required=False,
        max_length=2000,
        help_text=_("ISO 3166 codes, e.g. DE, FR, SG (EU for the European Union)."),
    )

    def __init__(self, *args: Any, systems: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems  # type: ignore[attr-defined]
        self.fields["scheme"].choices = selectors.scheme_choices()  # type: ignore[attr-defined]
        self.fields["issuer"].queryset = selectors.issuing_bodies()  # type: ignore[attr-defined]

    def clean_artefact_digests(self) -> dict[str, str]:
        return parse_digests(self.cleaned_data.get("artefact_digests", ""))

    def clean_destinations(self) -> list[str]:
        codes, unknown = parse_destinations(self.cleaned_data.get("destinations", ""))
        if unknown:
            raise forms.ValidationError(_("Unknown ISO 3166 code(s): %s") % ", ".join(unknown[:20]))
        return codes


class AssignForm(forms.Form):
    evaluators = forms.MultipleChoiceField(
        label=_("Evaluators"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].choices = [  # type: ignore[attr-defined]
            (str(user.pk), f"{display_name(user)} · {body}") for user, body in candidates
        ]


class FindingsForm(forms.Form):
    def __init__(self, *args: Any, requirements: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requirement_ids = []
        for key, label in [(r.id, r.id) for r in requirements]:
            self.requirement_ids.append(key)
            self.fields[f"c_{_slug(key)}"] = forms.ChoiceField(
                label=label, choices=Finding.Conclusion.choices, widget=forms.RadioSelect
            )
            self.fields[f"n_{_slug(key)}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000
            )

    def findings(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            r: (data[f"c_{_slug(r)}"], data.get(f"n_{_slug(r)}", "")) for r in self.requirement_ids
        }


def _slug(key: str) -> str:
    return key.replace(":", "__")


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


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds of the appeal"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AppealDecideForm(forms.Form):
    overturn = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("0", _("Uphold the refusal")), ("1", _("Overturn the refusal and grant"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea)


class SurveillanceForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("suspend", _("Suspend the certificate")),
            ("reevaluate", _("Require re-evaluation")),
            ("close", _("Close the case")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ScopeForm(forms.Form):
    model_version = forms.CharField(label=_("Model version"), max_length=100, required=False)
    digests = forms.CharField(
        label=_("Model artefact digests"),
        required=False,
        max_length=20000,
        help_text=_("One artefact a line: name=SHA-256."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_digests(self) -> dict[str, str]:
        return parse_digests(self.cleaned_data.get("digests", ""))


def parse_digests(text: str) -> dict[str, str]:
    """``name=SHA-256`` lines as a mapping; refuses anything else (``ValidationError``)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, digest = line.partition("=")
        digest = digest.strip().lower()
        if not sep or not name.strip() or len(digest) != 64 or not _hex(digest):
            raise forms.ValidationError(
                _("Give each artefact as name=SHA-256 (64 lower-case hex digits).")
            )
        out[name.strip()[:200]] = digest
    return out


def _hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


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


class CompromisedKeyForm(forms.Form):
    """Mark one of a body's certificate keys compromised."""

    public_multibase = forms.CharField(label=_("Public key"), max_length=100)
    revoked_at = forms.DateTimeField(
        label=_("Compromised from"),
        help_text=_("Proofs this key made from this time on fail (platform time zone)."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)
