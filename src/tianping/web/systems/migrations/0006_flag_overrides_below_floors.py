"""Overrides recorded before floors were enforced: those below a floor go to the regulator.

Each intake overridden below a floor that its answers force (scored with the
questionnaire in force) is flagged as awaiting the regulator's confirmation:
the override's tier is kept as the tier asked for, the floor's tier is put back
in force, and the people acting as the nearest regulator above the system's
organisation get a notification. Intakes whose answers no longer score are
left as they are. Reversing the migration keeps the flags (the fields go with
the previous migration).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils.translation import gettext_noop

from tianping import tiering

RANK = {"low": 0, "medium": 1, "high": 2}
REGULATOR_KINDS = ("central_regulator", "provincial_regulator", "municipal_regulator")
JURISDICTION_ROLES = ("regulator", "admin")
FLAGGED = gettext_noop(
    "An earlier override of the tier of {system} goes below a minimum tier that its intake "
    "answers force. The minimum is in force again until a regulator confirms or rejects "
    "the override."
)


def _regulator(apps: Any, organisation: Any) -> Any:
    membership = apps.get_model("accounts", "Membership")
    node = organisation.parent
    while node is not None:
        staffed = membership.objects.filter(organisation=node, role__in=JURISDICTION_ROLES)
        if node.kind in REGULATOR_KINDS and staffed.exists():
            return node
        node = node.parent
    return None


def _in_force(base: tiering.TierResult, floor: str, intake: Any) -> tiering.TierResult:
    if base.tier == floor:
        return base
    try:
        return tiering.override_tier(
            base,
            tier=floor,
            justification=intake.override_justification,
            by=getattr(intake.overridden_by, "username", "") or "—",
        )
    except tiering.TieringError:
        return base


def flag(apps: Any, schema_editor: Any) -> None:
    intake_model = apps.get_model("systems", "Intake")
    membership = apps.get_model("accounts", "Membership")
    notification = apps.get_model("core", "Notification")
    content_type = apps.get_model("contenttypes", "ContentType")
    intake_type = None
    overridden = intake_model.objects.filter(overridden_at__isnull=False, floor_review="")
    for intake in overridden.select_related("system__organisation", "overridden_by"):
        try:
            base = tiering.score_intake(intake.answers)
        except tiering.TieringError:
            continue
        floor = base.floor_tier
        if floor is None or intake.tier not in RANK or RANK[intake.tier] >= RANK[floor]:
            continue
        gone_below = [
            r.rule
            for r in base.reasons
            if r.kind == "floor" and r.rule and r.floor and RANK[intake.tier] < RANK[r.floor]
        ]
        regulator = _regulator(apps, intake.system.organisation)
        in_force = _in_force(base, floor, intake)
        intake.requested_tier = intake.tier
        intake.floor_tier = floor
        intake.floor_rules = gone_below
        intake.floor_review = "pending"
        intake.floor_regulator = regulator
        intake.tier = in_force.tier
        intake.result = in_force.to_json()
        intake.save()
        if regulator is None:
            continue
        if intake_type is None:
            intake_type, _ = content_type.objects.get_or_create(app_label="systems", model="intake")
        users = {
            m.user_id
            for m in membership.objects.filter(
                organisation=regulator, role__in=JURISDICTION_ROLES, user__is_active=True
            )
        }
        notification.objects.bulk_create(
            notification(
                user_id=user_id,
                target_type=intake_type,
                target_id=str(intake.pk),
                message=FLAGGED,
                params={"system": intake.system.name},
                url=f"/systems/{intake.system_id}/",
            )
            for user_id in sorted(users)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("systems", "0005_intake_floor_override"),
        ("accounts", "0003_organisation_time_zone"),
        ("core", "0002_notification"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(flag, migrations.RunPython.noop)]
