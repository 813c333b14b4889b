"""Forms of the vendor register and of a system's AI-BOM page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.uploads import UploadLimitFormMixin
from tianping.web.vendors.models import Answer, Supplier, SupplierKind
from tianping.web.vendors.questionnaire import questionnaire


class SupplierForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=SupplierKind.choices)
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class QuestionnaireForm(forms.Form):
    """One answer and one note per question of the shipped questionnaire."""

    def __init__(self, *args: Any, supplier: Supplier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {a.question: a for a in supplier.answers.all()}
        language = get_language()
        for question in questionnaire().questions:
            given = current.get(question.id)
            self.fields[f"answer_{question.id}"] = forms.ChoiceField(
                label=question.text.get(language),
                choices=Answer.choices,
                initial=given.answer if given else Answer.UNKNOWN,
            )
            self.fields[f"note_{question.id}"] = forms.CharField(
                label=_("Note"),
                max_length=2000,
                required=False,
                initial=given.note if given else "",
            )

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            q.id: (self.cleaned_data[f"answer_{q.id}"], self.cleaned_data[f"note_{q.id}"])
            for q in questionnaire().questions
        }


class BomUploadForm(UploadLimitFormMixin, forms.Form):
    file = forms.FileField(
        label=_("AI-BOM (CycloneDX 1.6 or 1.7 JSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )


class ComponentForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("Supplier"),
        queryset=Supplier.objects.none(),
        required=False,
        empty_label=_("No supplier"),
    )
    certificate_id = forms.CharField(
        label=_("Certificate credential ID"), max_length=200, required=False
    )

    def __init__(self, *args: Any, suppliers: QuerySet[Supplier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]
