"""Incident playbooks: who may move a system's switch, thresholds, contacts, the fail-safe.

A system without its own playbook follows the default (``default_playbook.yaml``,
read by :func:`~tianping.web.operations.selectors.playbook_of`); adopting or
changing one is recorded in the platform ledger.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tianping.web.core.validation import reject_nul
from tianping.web.ledger.services import ledger_record_action
from tianping.web.operations.models import FailSafe, IncidentPlaybook, SwitchState
from tianping.web.operations.selectors import PLAYBOOK_ROLES, can_edit_playbook
from tianping.web.systems.models import AISystem


def _clean_roles(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, Mapping) or set(value) - set(SwitchState.values):
        raise ValidationError({"switch_roles": [_("Name roles for active, paused and stopped.")]})
    cleaned: dict[str, list[str]] = {}
    for state in SwitchState.values:
        roles = value.get(state, [])
        if not isinstance(roles, list | tuple) or any(r not in PLAYBOOK_ROLES for r in roles):
            raise ValidationError({"switch_roles": [_("Unknown role in the switch roles.")]})
        cleaned[state] = [role for role in PLAYBOOK_ROLES if role in roles]
    return cleaned


def _clean_thresholds(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping) or len(value) > 20:
        raise ValidationError({"takeover_thresholds": [_("Give at most 20 named thresholds.")]})
    cleaned: dict[str, float] = {}
    for name, number in value.items():
        if (
            not isinstance(name, str)
            or not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name)
            or isinstance(number, bool)
            or not isinstance(number, int | float)
            or number != number  # NaN
            or abs(number) == float("inf")
        ):
            raise ValidationError(
                {
                    "takeover_thresholds": [
                        _("Each threshold is a lower-case name and a number: {name}.").format(
                            name=str(name)[:40]
                        )
                    ]
                }
            )
        cleaned[name] = float(number)
    return cleaned


def _clean_contacts(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list | tuple) or len(value) > 20:
        raise ValidationError({"escalation_contacts": [_("Give at most 20 contacts.")]})
    cleaned = []
    for item in value:
        if (
            not isinstance(item, Mapping)
            or set(item) - {"name", "role", "contact"}
            or not all(isinstance(v, str) and len(v) <= 200 for v in item.values())
            or not str(item.get("name", "")).strip()
        ):
            raise ValidationError(
                {
                    "escalation_contacts": [
                        _("Each contact has a name and may have a role and a phone or e-mail.")
                    ]
                }
            )
        cleaned.append({k: str(item.get(k, "")).strip() for k in ("name", "role", "contact")})
    return cleaned


@transaction.atomic
def incident_playbook_update(
    *,
    actor: User,
    system: AISystem,
    switch_roles: Mapping[str, Sequence[str]],
    takeover_thresholds: Mapping[str, float],
    escalation_contacts: Sequence[Mapping[str, str]],
    fallback_path: str,
    fail_safe: str,
    offline_grace_s: int,
) -> IncidentPlaybook:
    """Adopt or change the incident playbook of ``system``; recorded in the platform ledger."""
    if not can_edit_playbook(actor, system):
        raise PermissionDenied(_("You cannot change the incident playbook of this system."))
    for name, value in (
        ("switch_roles", switch_roles),
        ("escalation_contacts", escalation_contacts),
        ("fallback_path", fallback_path),
    ):
        reject_nul(value, name)
    # The roles in ``always_allowed`` (default_playbook.yaml) keep their rights whatever
    # the playbook says: they are added when the playbook is read (selectors.playbook_of).
    roles = _clean_roles(switch_roles)
    if fail_safe not in FailSafe.values:
        raise ValidationError({"fail_safe": [_("Choose a fail-safe.")]})
    if (
        isinstance(offline_grace_s, bool)
        or not isinstance(offline_grace_s, int)
        or not 0 <= offline_grace_s <= 86400
    ):
        raise ValidationError({"offline_grace_s": [_("Give 0 to 86400 seconds.")]})
    if not isinstance(fallback_path, str) or len(fallback_path) > 5000:
        raise ValidationError({"fallback_path": [_("At most 5000 characters.")]})
    playbook, _created = IncidentPlaybook.objects.select_for_update().get_or_create(
        system=system, defaults={"switch_roles": roles}
    )
    playbook.switch_roles = roles
    playbook.takeover_thresholds = _clean_thresholds(takeover_thresholds)
    playbook.escalation_contacts = _clean_contacts(escalation_contacts)
    playbook.fallback_path = fallback_path.strip()
    playbook.fail_safe = fail_safe
    playbook.offline_grace_s = offline_grace_s
    playbook.updated_by = actor
    playbook.full_clean()
    playbook.save()
    ledger_record_action(
        actor=actor,
        kind="playbook_changed",
        subject=system,
        payload={
            "switch_roles": roles,
            "takeover_thresholds": playbook.takeover_thresholds,
            "escalation_contacts": len(playbook.escalation_contacts),
            "fail_safe": fail_safe,
            "offline_grace_s": offline_grace_s,
        },
    )
    return playbook
