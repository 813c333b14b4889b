"""Reads of operations: the switch, the playbook, who may do what, API keys, counters.

Visibility is the registry's: whoever may read a system (``systems.selectors.system_get``)
may read its operations page, its ledger entries and their receipts (the ledgers'
reads are :mod:`tianping.web.ledger.selectors`). Who may change the switch comes
from the system's incident playbook.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet, Sum
from django.utils import timezone

from tianping import yamlsafe
from tianping.web.accounts.models import Membership, OrganisationKind, Role
from tianping.web.accounts.selectors import has_jurisdiction

# ledger_entries and platform_log_find moved to the ledger app: re-exported for old imports
# (reviews), to be dropped once they import tianping.web.ledger.selectors.
from tianping.web.ledger.selectors import (
    decision_log_find,
    latest_checkpoint_of,
    log_size,
)
from tianping.web.ledger.selectors import ledger_entries as ledger_entries
from tianping.web.ledger.selectors import platform_log_find as platform_log_find
from tianping.web.operations.conf import option
from tianping.web.operations.models import (
    IncidentPlaybook,
    IngestBatch,
    SwitchState,
    SystemApiKey,
    SystemSwitch,
)
from tianping.web.systems.models import AISystem

User = AuthUser | AnonymousUser

PLAYBOOK_ROLES = (
    Role.APPLICANT,
    Role.ADMIN,
    Role.CHAIR,
    Role.COMMITTEE_MEMBER,
    Role.REGULATOR,
)
"""The roles a playbook may name: held in the organisation, its ethics committee, or over it."""

KEY_ROLES = (Role.APPLICANT, Role.ADMIN)
"""Who manages a system's API keys: its applicants and administrators."""

PLAYBOOK_EDITORS = (Role.ADMIN, Role.CHAIR)
"""Who adopts a system's playbook: its organisation's administrators, its committee's chair."""


# --- the playbook ----------------------------------------------------------------------------


@functools.cache
def default_playbook_data() -> dict[str, Any]:
    """``default_playbook.yaml``: the playbook of every system that has not adopted its own."""
    text = (
        resources.files("tianping.web.operations")
        .joinpath("default_playbook.yaml")
        .read_text("utf-8")
    )
    data: dict[str, Any] = yamlsafe.load(text, source="default_playbook.yaml")
    return data


@dataclass(frozen=True)
class Playbook:
    """A system's incident playbook as in force: its own, or the default."""

    switch_roles: dict[str, list[str]]
    always_allowed: dict[str, list[str]]
    takeover_thresholds: dict[str, float]
    escalation_contacts: list[dict[str, str]]
    fallback_path: str
    fail_safe: str
    offline_grace_s: int
    is_default: bool
    updated_at: datetime | None = None
    updated_by: str | None = None
    roles_for: dict[str, frozenset[str]] = field(init=False)

    def __post_init__(self) -> None:
        roles = {
            state: frozenset(self.switch_roles.get(state, []))
            | frozenset(self.always_allowed.get(state, []))
            for state in SwitchState.values
        }
        object.__setattr__(self, "roles_for", roles)


def playbook_of(system: AISystem) -> Playbook:
    """The playbook in force for ``system``."""
    default = default_playbook_data()
    stored = IncidentPlaybook.objects.filter(system=system).select_related("updated_by").first()
    if stored is None:
        return Playbook(
            switch_roles=dict(default["switch_roles"]),
            always_allowed=dict(default["always_allowed"]),
            takeover_thresholds=dict(default["takeover_thresholds"] or {}),
            escalation_contacts=list(default["escalation_contacts"] or []),
            fallback_path=default["fallback_path"] or "",
            fail_safe=default["fail_safe"],
            offline_grace_s=int(default["offline_grace_s"]),
            is_default=True,
        )
    return Playbook(
        switch_roles=dict(stored.switch_roles),
        always_allowed=dict(default["always_allowed"]),
        takeover_thresholds=dict(stored.takeover_thresholds),
        escalation_contacts=list(stored.escalation_contacts),
        fallback_path=stored.fallback_path,
        fail_safe=stored.fail_safe,
        offline_grace_s=stored.offline_grace_s,
        is_default=False,
        updated_at=stored.updated_at,
        updated_by=stored.updated_by.get_username() if stored.updated_by else None,
    )


# --- who may do what ---------------------------------------------------------------------------


def roles_over(user: User, system: AISystem) -> frozenset[str]:
    """The playbook roles ``user`` holds over ``system``.

    ``applicant`` / ``admin`` in the system's organisation, ``chair`` /
    ``committee_member`` in an ethics committee of that organisation, and
    ``regulator`` for a regulator whose jurisdiction covers it. A superuser holds all.
    """
    if not user.is_authenticated:
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset(PLAYBOOK_ROLES)
    held: set[str] = set()
    rows = Membership.objects.filter(user=user).select_related("organisation")
    for membership in rows:
        org = membership.organisation
        in_unit = org.pk == system.organisation_id and membership.role in (
            Role.APPLICANT,
            Role.ADMIN,
        )
        in_committee = (
            org.kind == OrganisationKind.ETHICS_COMMITTEE
            and org.parent_id == system.organisation_id
            and membership.role in (Role.CHAIR, Role.COMMITTEE_MEMBER)
        )
        if in_unit or in_committee:
            held.add(membership.role)
    if has_jurisdiction(user, system.organisation):
        held.add(Role.REGULATOR)
    return frozenset(held)


def can_change_switch(user: User, system: AISystem, state: str, *, playbook: Playbook) -> bool:
    """Whether ``user`` may set the switch of ``system`` to ``state``, per ``playbook``."""
    return bool(roles_over(user, system) & playbook.roles_for.get(state, frozenset()))


def switch_targets(user: User, system: AISystem, *, playbook: Playbook) -> list[str]:
    """The states ``user`` may set, in the order active, paused, stopped."""
    held = roles_over(user, system)
    return [state for state in SwitchState.values if held & playbook.roles_for[state]]


def can_manage_keys(user: User, system: AISystem) -> bool:
    return bool(roles_over(user, system) & set(KEY_ROLES))


def can_edit_playbook(user: User, system: AISystem) -> bool:
    return bool(roles_over(user, system) & set(PLAYBOOK_EDITORS))


# --- the switch -------------------------------------------------------------------------------


def switch_of(system: AISystem) -> SystemSwitch:
    """The system's switch; a system never switched is active, at version 0 (not saved)."""
    found = SystemSwitch.objects.filter(system=system).select_related("changed_by").first()
    return found if found is not None else SystemSwitch(system=system)


def switch_by_system_id(system_id: int) -> tuple[str, int]:
    """``(state, version)`` of a system's switch, in one query (the SDK polls this)."""
    row = SystemSwitch.objects.filter(system_id=system_id).values_list("state", "version").first()
    return (SwitchState.ACTIVE, 0) if row is None else (str(row[0]), int(row[1]))


# --- API keys -----------------------------------------------------------------------------------


def api_keys_of(system: AISystem) -> QuerySet[SystemApiKey]:
    return SystemApiKey.objects.filter(system=system).select_related("created_by")


# --- counters -----------------------------------------------------------------------------------


def counters(system: AISystem) -> dict[str, Any]:
    """Live figures of the Operations page: records, recent rates, the last checkpoint."""
    log = decision_log_find(system)
    now = timezone.now()
    figures: dict[str, Any] = {
        "records": 0,
        "last_minute": 0,
        "last_hour": 0,
        "last_received": None,
        "checkpoint_size": None,
        "checkpoint_at": None,
        "unsigned": 0,
        "switch": switch_of(system),
        "now": now,
    }
    if log is None:
        return figures
    batches = IngestBatch.objects.filter(log=log)
    figures["records"] = log_size(log)
    figures["last_minute"] = (
        batches.filter(created_at__gte=now - timedelta(minutes=1)).aggregate(n=Sum("count"))["n"]
        or 0
    )
    figures["last_hour"] = (
        batches.filter(created_at__gte=now - timedelta(hours=1)).aggregate(n=Sum("count"))["n"] or 0
    )
    figures["last_received"] = (
        batches.order_by("-created_at").values_list("created_at", flat=True).first()
    )
    latest = latest_checkpoint_of(log)
    if latest is not None:
        figures["checkpoint_size"] = latest.size
        figures["checkpoint_at"] = latest.created_at
    figures["unsigned"] = figures["records"] - (figures["checkpoint_size"] or 0)
    return figures


def switch_status(system: AISystem) -> dict[str, Any]:
    """What an SDK client needs to decide: the state, its version and the fail-safe."""
    switch = switch_of(system)
    playbook = playbook_of(system)
    return {
        "system": system.pk,
        "state": switch.state,
        "version": switch.version,
        "allowed": switch.state == SwitchState.ACTIVE,
        "changed_at": switch.changed_at,
        "fail_safe": playbook.fail_safe,
        "offline_grace_s": playbook.offline_grace_s,
        "poll_interval_s": float(option("SWITCH_POLL_INTERVAL_S")),
    }
