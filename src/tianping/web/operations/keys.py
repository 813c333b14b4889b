"""System API keys: the credentials AI systems send decision records with (``tpk_…``).

Only a key's SHA-256 digest is kept; creating and revoking one is recorded in
the platform ledger.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping.web.core.validation import reject_nul
from tianping.web.ledger.services import ledger_record_action
from tianping.web.operations.models import PersonalDataPolicy, SystemApiKey
from tianping.web.operations.selectors import can_manage_keys
from tianping.web.systems.models import AISystem

KEY_PREFIX = "tpk_"
_LAST_USED_EVERY = timedelta(minutes=1)


def _key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def system_api_key_create(
    *,
    actor: User,
    system: AISystem,
    name: str,
    personal_data: str = PersonalDataPolicy.REFUSE,
) -> tuple[SystemApiKey, str]:
    """A new key for ``system`` to send decision records; the raw key is returned once.

    ``personal_data`` says what ingestion does with a record that holds personal
    data outside its declared personal fields (:class:`PersonalDataPolicy`).
    """
    if not can_manage_keys(actor, system):
        raise PermissionDenied(_("You cannot manage the API keys of this system."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the key a name.")]})
    reject_nul(name, "name")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = SystemApiKey(
        system=system,
        name=name[:100],
        prefix=raw[:12],
        digest=_key_digest(raw),
        created_by=actor,
        personal_data=personal_data,
    )
    key.full_clean(exclude=["prefix", "digest"])
    key.save()
    ledger_record_action(
        actor=actor,
        kind="api_key_created",
        subject=key,
        system=system,
        payload={"name": key.name, "prefix": key.prefix, "personal_data": key.personal_data},
    )
    return key, raw


@transaction.atomic
def system_api_key_revoke(*, actor: User, system: AISystem, key_id: int) -> None:
    if not can_manage_keys(actor, system):
        raise PermissionDenied(_("You cannot manage the API keys of this system."))
    key = (
        SystemApiKey.objects.select_for_update()
        .filter(pk=key_id, system=system, revoked_at__isnull=True)
        .first()
    )
    if key is None:
        raise ValidationError(_("No such active key."))
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    ledger_record_action(
        actor=actor,
        kind="api_key_revoked",
        subject=key,
        system=system,
        payload={"name": key.name, "prefix": key.prefix},
    )


def system_api_key_authenticate(raw: str) -> SystemApiKey | None:
    """The active key ``raw`` stands for (with its system), or None."""
    if not isinstance(raw, str) or not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        return None
    key = (
        SystemApiKey.objects.select_related("system")
        .filter(digest=_key_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_EVERY:
        SystemApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
