"""The runtime switch of an AI system: ``active``, ``paused`` (humans decide), ``stopped``.

Ethical Norms (2021) Art. 3(4): people may suspend an AI system at any time.
Who may set which state comes from the system's incident playbook; every change
is appended to the platform ledger.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping.web.core.validation import reject_nul
from tianping.web.ledger.services import ledger_record_action
from tianping.web.operations.models import SwitchState, SystemSwitch
from tianping.web.operations.selectors import can_change_switch, playbook_of
from tianping.web.systems.models import AISystem

REASON_LIMIT = 2000


@transaction.atomic
def system_switch_change(*, actor: User, system: AISystem, state: str, reason: str) -> SystemSwitch:
    """Set the runtime switch of ``system``; the change is appended to the platform ledger.

    Ethical Norms (2021) Art. 3(4): people may suspend an AI system at any time.
    Who may set which state comes from the system's incident playbook; a reason
    is required. Setting the state the switch is already in changes nothing.
    """
    if state not in SwitchState.values:
        raise ValidationError({"state": [_("Choose active, paused or stopped.")]})
    playbook = playbook_of(system)
    if not can_change_switch(actor, system, state, playbook=playbook):
        raise PermissionDenied(_("The incident playbook does not let you set this state."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the change.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": [_("A reason has at most 2000 characters.")]})
    reject_nul(reason, "reason")
    return switch_set(actor=actor, system=system, state=state, reason=reason)


def switch_set(*, actor: User | None, system: AISystem, state: str, reason: str) -> SystemSwitch:
    """Set the switch without a permission check (``actor=None``: the platform, e.g. a monitor).

    Call inside a transaction; the change is appended to the platform ledger.
    """
    switch, _created = SystemSwitch.objects.select_for_update().get_or_create(system=system)
    if switch.state == state:
        return switch
    previous = switch.state
    index = ledger_record_action(
        actor=actor,
        kind="switch_changed",
        subject=system,
        payload={
            "from": previous,
            "to": state,
            "reason": reason,
            "version": switch.version + 1,
        },
    )
    switch.state = state
    switch.version += 1
    switch.reason = reason
    switch.changed_by = actor
    switch.changed_at = timezone.now()
    switch.ledger_index = index
    switch.save()
    return switch
