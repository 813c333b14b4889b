from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.web.catalogue.models import Principle

STAGE_CHOICES = [
    ("", _("All stages")),
    ("design", _("Design")),
    ("data", _("Data collection and preparation")),
    ("build", _("Build and training")),
    ("test", _("Testing and validation")),
    ("launch", _("Launch")),
    ("operate", _("Operation")),
    ("retire", _("Retirement")),
]
TIER_CHOICES = [
    ("", _("All tiers")),
    ("low", _("Low")),
    ("medium", _("Medium")),
    ("high", _("High")),
]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    principle = forms.ChoiceField(label=_("Principle"), required=False)
    article = forms.IntegerField(label=_("Article"), required=False, min_value=1, max_value=25)
    stage = forms.ChoiceField(label=_("Lifecycle stage"), required=False, choices=STAGE_CHOICES)
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=TIER_CHOICES)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["principle"].choices = [("", _("All principles"))] + [  # type: ignore[attr-defined]
            (p.code, f"{p.number}. {p.name}") for p in Principle.objects.all()
        ]
