"""Forms of the Operations page: they check the shape of input; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Role
from tianping.web.operations.models import FailSafe, PersonalDataPolicy, SwitchState
from tianping.web.operations.selectors import PLAYBOOK_ROLES, Playbook

ROLE_CHOICES = [(role.value, role.label) for role in PLAYBOOK_ROLES if isinstance(role, Role)]
MAX_LINES = 20


class SwitchForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"), choices=SwitchState.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Recorded in the tamper-evident ledger, where you appear only as a salted hash."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I confirm: the system's SDK clients follow the new state within seconds."),
        required=True,
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    personal_data = forms.ChoiceField(
        label=_("Undeclared personal data in records"),
        choices=PersonalDataPolicy.choices,
        initial=PersonalDataPolicy.REFUSE,
        required=False,  # not sent: refuse, the safe choice
        help_text=_(
            "Every record is screened for resident ID, USCC, bank card, mobile and e-mail "
            "values outside its declared personal fields; the ledger cannot forget them."
        ),
    )

    def clean_personal_data(self) -> str:
        return str(self.cleaned_data.get("personal_data") or PersonalDataPolicy.REFUSE)


def _parse_thresholds(text: str) -> dict[str, float]:
    rows = [line.strip() for line in text.splitlines() if line.strip()]
    if len(rows) > MAX_LINES:
        raise ValidationError(_("At most 20 lines."))
    out: dict[str, float] = {}
    for row in rows:
        name, sep, value = row.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = None
        if not sep or number is None:
            raise ValidationError(_("Write each threshold as “name = number”."))
        out[name.strip()] = number
    return out


def _parse_contacts(text: str) -> list[dict[str, str]]:
    rows = [line.strip() for line in text.splitlines() if line.strip()]
    if len(rows) > MAX_LINES:
        raise ValidationError(_("At most 20 lines."))
    out = []
    for row in rows:
        name, _sep, rest = row.partition("|")
        role, _sep, contact = rest.partition("|")
        out.append(
            {
                "name": name.strip()[:200],
                "role": role.strip()[:200],
                "contact": contact.strip()[:200],
            }
        )
    return out


class PlaybookForm(forms.Form):
    roles_active = forms.MultipleChoiceField(
        label=_("Who may resume (set active)"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles_paused = forms.MultipleChoiceField(
        label=_("Who may pause"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles_stopped = forms.MultipleChoiceField(
        label=_("Who may stop"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    takeover_thresholds = forms.CharField(
        label=_("Thresholds for human takeover"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name = number, e.g. error_rate = 0.1"),
    )
    escalation_contacts = forms.CharField(
        label=_("Escalation contacts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in calling order: name | role | phone or e-mail"),
    )
    fallback_path = forms.CharField(
        label=_("Fallback path"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who decides, and how, while the AI may not."),
    )
    fail_safe = forms.ChoiceField(
        label=_("When the platform cannot be reached"), choices=FailSafe.choices
    )
    offline_grace_s = forms.IntegerField(
        label=_("Offline grace period (seconds)"), min_value=0, max_value=86400, initial=0
    )

    def clean_takeover_thresholds(self) -> dict[str, float]:
        return _parse_thresholds(self.cleaned_data.get("takeover_thresholds") or "")

    def clean_escalation_contacts(self) -> list[dict[str, str]]:
        return _parse_contacts(self.cleaned_data.get("escalation_contacts") or "")

    @staticmethod
    def initial_from(playbook: Playbook) -> dict[str, Any]:
        return {
            "roles_active": playbook.switch_roles.get("active", []),
            "roles_paused": playbook.switch_roles.get("paused", []),
            "roles_stopped": playbook.switch_roles.get("stopped", []),
            "takeover_thresholds": "\n".join(
                f"{name} = {value:g}" for name, value in playbook.takeover_thresholds.items()
            ),
            "escalation_contacts": "\n".join(
                " | ".join([c.get("name", ""), c.get("role", ""), c.get("contact", "")])
                for c in playbook.escalation_contacts
            ),
            "fallback_path": playbook.fallback_path,
            "fail_safe": playbook.fail_safe,
            "offline_grace_s": playbook.offline_grace_s,
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "switch_roles": {
                state: list(data.get(f"roles_{state}") or []) for state in SwitchState.values
            },
            "takeover_thresholds": data["takeover_thresholds"],
            "escalation_contacts": data["escalation_contacts"],
            "fallback_path": data.get("fallback_path") or "",
            "fail_safe": data["fail_safe"],
            "offline_grace_s": data["offline_grace_s"],
        }
