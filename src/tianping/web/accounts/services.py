"""Writes for organisations, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping.web.accounts.models import ApiToken, Membership, Organisation

TOKEN_PREFIX = "tp_"  # noqa: S105 - a public prefix, not a secret


def _refuse_nul(**fields: str) -> None:
    """NUL characters cannot be stored in PostgreSQL text; refuse them before any write."""
    errors = {
        name: [_("Text may not contain NUL characters.")]
        for name, value in fields.items()
        if "\x00" in value
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    name_en: str = "",
    region_code: str = "",
    time_zone: str = "",
) -> Organisation:
    _refuse_nul(name=name, name_en=name_en, region_code=region_code, time_zone=time_zone)
    org = Organisation(
        name=name,
        name_en=name_en,
        kind=kind,
        parent=parent,
        region_code=region_code,
        time_zone=time_zone,
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    return org


@transaction.atomic
def organisation_rebuild_path(*, organisation: Organisation) -> None:
    """Save ``organisation``'s parent and recompute the path of it and its whole subtree.

    Refuses a parent that is the organisation itself or one of its descendants.
    """
    parent = organisation.parent
    ancestor: Organisation | None = parent
    while ancestor is not None:
        if ancestor.pk == organisation.pk:
            raise ValidationError({"parent": [_("An organisation cannot be its own ancestor.")]})
        ancestor = ancestor.parent
    organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
    organisation.save(update_fields=["parent", "path"])
    for child in organisation.children.all():
        organisation_rebuild_path(organisation=child)


@transaction.atomic
def membership_grant(*, user: User, organisation: Organisation, role: str) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return membership


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]})
    _refuse_nul(name=name)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], prefix=raw[:10], digest=_digest(raw))
    token.full_clean(exclude=["prefix", "digest"])
    token.save()
    return token, raw


def api_token_authenticate(raw: str) -> User | None:
    """The active user a raw bearer token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("No such active token."))
