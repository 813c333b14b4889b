"""Forms of the network's pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation, OrganisationKind
from tianping.web.catalogue.models import ListedActivity
from tianping.web.core.validation import MAX_PK
from tianping.web.network.attachments import ACCEPT
from tianping.web.network.models import (
    FilingKind,
    ListChange,
    ProposalSource,
    ReportKind,
    RiskCategory,
    Severity,
    SystemType,
    Visibility,
)
from tianping.web.network.services import TRIAGE_ACTIONS
from tianping.web.systems.models import AISystem, Sector
from tianping.web.uploads import UploadLimitFormMixin

TRIAGE_LABELS = {
    "accept": _("Accept"),
    "request_information": _("Request information"),
    "close": _("Close"),
    "escalate": _("Escalate to the regulator above"),
}


class ReportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Reporting organisation"), queryset=Organisation.objects.none()
    )
    system = forms.ModelChoiceField(
        label=_("AI system"), queryset=AISystem.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    category = forms.ChoiceField(label=_("Risk category"), choices=RiskCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    affected_people = forms.IntegerField(label=_("People affected"), min_value=0, initial=0)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Personal data (ID numbers, phone numbers, names …) is masked before it is stored."
        ),
    )
    actions_taken = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in organisations]
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = Organisation.objects.filter(pk__in=ids)
        sys_field = self.fields["system"]
        assert isinstance(sys_field, forms.ModelChoiceField)
        parents = [
            o.parent_id for o in organisations if o.kind == OrganisationKind.ETHICS_COMMITTEE
        ]
        sys_field.queryset = AISystem.objects.filter(organisation__in=ids + parents)


class TriageForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[(a, TRIAGE_LABELS[a]) for a in TRIAGE_ACTIONS]
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Information"), widget=forms.Textarea(attrs={"rows": 3}))


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)


class AttachmentForm(UploadLimitFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, PNG, JPEG, plain UTF-8 text or CSV. Text is checked for personal data; "
            "de-identify it first."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    no_personal_data = forms.BooleanField(
        label=_("This file carries no personal data"),
        required=False,
        help_text=_("Required for a PDF or an image, which cannot be scanned."),
    )


class WarningForm(forms.Form):
    issuer = forms.ModelChoiceField(label=_("Issued by"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Warning"), widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ChoiceField(label=_("Risk category"), choices=RiskCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every organisation but regulators."),
    )
    system_type = forms.ChoiceField(
        label=_("System type"),
        choices=[("", _("All system types")), *SystemType.choices],
        required=False,
        help_text=_("Organisations with a system of this type, as its current intake shows."),
    )
    report_category = forms.ChoiceField(
        label=_("Reported risk category"),
        choices=[("", _("Any or none")), *RiskCategory.choices],
        required=False,
        help_text=_("Organisations that filed a risk report of this category."),
    )
    listed_activity = forms.ChoiceField(
        label=_("Listed activity"),
        choices=[],
        required=False,
        help_text=_(
            "Organisations with a system registered for this activity of the expert re-review list."
        ),
    )

    def __init__(self, *args: Any, issuers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["issuer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in issuers])
        listed = self.fields["listed_activity"]
        assert isinstance(listed, forms.ChoiceField)
        listed.choices = [
            ("", _("All activities")),
            *((a.code, a.loc("name")) for a in ListedActivity.objects.order_by("code")),
        ]


class FilingForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Committee or review centre"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FilingKind.choices)
    year = forms.IntegerField(
        label=_("Year covered"),
        required=False,
        min_value=1990,
        max_value=9999,
        help_text=_("For an annual report: the year it covers."),
    )
    application = forms.IntegerField(
        label=_("Approved application (number)"),
        required=False,
        min_value=1,
        help_text=_("For a listed activity: the approved application."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])


class DraftSendForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(label=_("Warning"), required=False, widget=forms.Textarea)


class MonthlyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999, required=False)
    regulator = forms.ModelChoiceField(
        label=_("Regulator"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, regulators: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["regulator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in regulators])


class ProposalForm(forms.Form):
    proposer = forms.ModelChoiceField(
        label=_("Proposing regulator"), queryset=Organisation.objects.none()
    )
    change = forms.ChoiceField(label=_("Change"), choices=ListChange.choices)
    activity_code = forms.CharField(
        label=_("Activity id"),
        max_length=60,
        help_text=_("Lower-case letters, digits and underscores, starting with a letter."),
    )
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source = forms.ChoiceField(label=_("Source"), choices=ProposalSource.choices)
    application = forms.IntegerField(
        label=_("Expert re-reviewed application (number, optional)"),
        required=False,
        min_value=1,
        max_value=MAX_PK,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, proposers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proposer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in proposers])


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: make a new list version")), ("reject", _("Reject"))],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
