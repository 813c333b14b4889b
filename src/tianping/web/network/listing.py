"""The high-risk (expert re-review) activity list as a living thing.

A provincial or municipal regulator proposes to add, change or remove an
activity of the list, from an expert re-review outcome (optionally naming the
re-reviewed application of its jurisdiction) or from a pattern of cases, with a
reason. A central regulator above it approves or rejects the proposal with a
recorded reason; an approval produces a new version of the list through the
catalogue (``catalogue.services.listed_activities_amend``). Both steps are
ledger entries (``network.list_proposed``, ``network.list_approved`` /
``network.list_rejected``, codes and ids only) and notify the other side.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tianping import norms
from tianping.web.accounts.models import Organisation, OrganisationKind
from tianping.web.accounts.selectors import users_in
from tianping.web.catalogue.models import ListedActivity
from tianping.web.catalogue.services import listed_activities_amend
from tianping.web.core.notifications import notify
from tianping.web.core.validation import ERR_CHOICE, check_pk
from tianping.web.ledger.services import ledger_record_action
from tianping.web.network.deidentify import deidentify
from tianping.web.network.models import (
    ListChange,
    ListProposal,
    ProposalSource,
    ProposalStatus,
)
from tianping.web.network.selectors import REGULATOR_ROLES, regulator_organisations
from tianping.web.network.services import (
    ERR_REQUIRED,
    TEXT_LIMIT,
    _collect,
    _text,
)
from tianping.web.reviews.models import Application

PROPOSER_KINDS = frozenset(
    {OrganisationKind.PROVINCIAL_REGULATOR, OrganisationKind.MUNICIPAL_REGULATOR}
)
CODE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
ERR_NOT_LISTED = gettext_lazy("This activity is not on the current list.")
ERR_LISTED = gettext_lazy("This activity is already on the list.")
ERR_CODE = gettext_lazy("Lower-case letters, digits and underscores, starting with a letter.")


def _centrals_over(organisation: Organisation) -> QuerySet[Organisation]:
    ancestors = [int(pk) for pk in organisation.path.strip("/").split("/") if pk.isdigit()]
    return Organisation.objects.filter(
        pk__in=ancestors, kind=OrganisationKind.CENTRAL_REGULATOR
    ).exclude(pk=organisation.pk)


def proposals_visible(user: User | AnonymousUser) -> QuerySet[ListProposal]:
    """The proposals of ``user``'s regulators, and those a central regulator of ``user``
    decides (proposals from within its jurisdiction)."""
    condition = Q(pk__in=[])
    for regulator in regulator_organisations(user):
        condition |= Q(proposer=regulator)
        if regulator.kind == OrganisationKind.CENTRAL_REGULATOR:
            condition |= Q(proposer__path__startswith=regulator.path)
    return ListProposal.objects.filter(condition).select_related("proposer")


def proposal_get(user: User | AnonymousUser, proposal_id: object) -> ListProposal:
    """A proposal ``user`` may read; anything else: Http404."""
    proposal = proposals_visible(user).filter(pk=check_pk(proposal_id)).first()
    if proposal is None:
        raise Http404
    return proposal


def can_decide(user: User | AnonymousUser, proposal: ListProposal) -> bool:
    return proposal.status == ProposalStatus.PENDING and any(
        r.kind == OrganisationKind.CENTRAL_REGULATOR and proposal.proposer.path.startswith(r.path)
        for r in regulator_organisations(user)
    )


def _url(proposal: ListProposal) -> str:
    return reverse("network:list_proposal", args=[proposal.pk])


def _activity_name(proposal: ListProposal) -> str:
    """The activity's name for a notification (its proposed name, else the listed one's):
    a person reads names, never the activity's id."""
    if proposal.name_zh:
        return proposal.name_zh
    listed = ListedActivity.objects.filter(code=proposal.activity_code).first()
    return listed.name_zh if listed is not None and listed.name_zh else proposal.activity_code


@transaction.atomic
def proposal_file(
    *,
    actor: User,
    proposer: Organisation,
    change: str,
    activity_code: str,
    source: str,
    reason: str,
    texts: dict[str, str] | None = None,
    application: Application | None = None,
) -> ListProposal:
    """File a proposal in the name of ``proposer`` (a provincial or municipal regulator)."""
    if proposer.kind not in PROPOSER_KINDS or proposer.pk not in {
        o.pk for o in regulator_organisations(actor)
    }:
        raise PermissionDenied(_("Only a provincial or municipal regulator proposes list changes."))
    values, errors = _collect(
        [("reason", lambda: _text(reason, "reason", limit=TEXT_LIMIT, required=True))]
    )
    if change not in ListChange.values:
        errors["change"] = [str(ERR_CHOICE)]
    if source not in ProposalSource.values:
        errors["source"] = [str(ERR_CHOICE)]
    code = str(activity_code or "").strip()
    if not CODE.match(code):
        errors["activity_code"] = [str(ERR_CODE)]
    listed = ListedActivity.objects.filter(code=code, active=True).exists()
    if change == ListChange.ADD and listed:
        errors["activity_code"] = [str(ERR_LISTED)]
    if change in (ListChange.CHANGE, ListChange.REMOVE) and not listed:
        errors["activity_code"] = [str(ERR_NOT_LISTED)]
    cleaned: dict[str, str] = {}
    for field, limit in (
        ("name_zh", 200),
        ("name_en", 300),
        ("description_zh", TEXT_LIMIT),
        ("description_en", TEXT_LIMIT),
    ):
        required = change == ListChange.ADD and field.startswith("name")
        try:
            cleaned[field] = _text(
                (texts or {}).get(field, ""), field, limit=limit, required=required
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if change == ListChange.CHANGE and not any(cleaned.values()):
        errors["name_zh"] = [str(ERR_REQUIRED)]
    if application is not None and source != ProposalSource.EXPERT_REVIEW:
        errors["application_id"] = [_("Only an expert re-review outcome names an application.")]
    if errors:
        raise ValidationError(errors)
    if change == ListChange.REMOVE:
        cleaned = dict.fromkeys(cleaned, "")
    proposal = ListProposal.objects.create(
        proposer=proposer,
        created_by=actor,
        change=change,
        activity_code=code,
        source=source,
        application=application,
        reason=deidentify(values["reason"]),
        created_at=timezone.now(),
        **cleaned,
    )
    proposal.ledger_index = ledger_record_action(
        actor=actor,
        kind="network.list_proposed",
        subject=proposal,
        payload={
            "proposal": proposal.pk,
            "proposer": proposer.pk,
            "change": change,
            "activity": code,
            "source": source,
            "application": application.pk if application is not None else None,
        },
    )
    proposal.save(update_fields=["ledger_index"])
    notify(
        users=users_in(_centrals_over(proposer), REGULATOR_ROLES),
        message=gettext_noop(
            "{proposer} proposes a change to the high-risk activity list: {activity}."
        ),
        params={"proposer": proposer.name, "activity": _activity_name(proposal)},
        url=_url(proposal),
        target=proposal,
    )
    return proposal


@transaction.atomic
def proposal_decide(
    *, actor: User, proposal: ListProposal, approve: bool, reason: str
) -> ListProposal:
    """Approve (a new list version) or reject ``proposal``, as a central regulator over it."""
    proposal = (
        ListProposal.objects.select_for_update().select_related("proposer").get(pk=proposal.pk)
    )
    if not can_decide(actor, proposal):
        if proposal.status != ProposalStatus.PENDING:
            raise ValidationError(_("This proposal has been decided already."))
        raise PermissionDenied(_("Only a central regulator over the proposer decides."))
    text = _text(reason, "reason", limit=TEXT_LIMIT, required=True)
    now = timezone.now()
    if approve:
        fields = ("name_zh", "name_en", "description_zh", "description_en")
        texts = {f: getattr(proposal, f) for f in fields}
        try:
            proposal.list_version = listed_activities_amend(
                change=proposal.change,
                code=proposal.activity_code,
                texts=texts,
                year=timezone.localdate(now).year,
            )
        except ValueError as exc:
            raise ValidationError(
                _("The list no longer allows this change; reject the proposal.")
            ) from exc
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = now
    proposal.decision_reason = deidentify(text)
    proposal.decision_ledger_index = ledger_record_action(
        actor=actor,
        kind=f"network.list_{proposal.status}",
        subject=proposal,
        payload={
            "proposal": proposal.pk,
            "change": proposal.change,
            "activity": proposal.activity_code,
            "list_version": proposal.list_version,
        },
    )
    proposal.save()
    notify(
        users=[proposal.created_by, *users_in([proposal.proposer], REGULATOR_ROLES)],
        message=(
            gettext_noop(
                "Your proposal for the high-risk activity list ({activity}) was approved: "
                "version {version}."
            )
            if approve
            else gettext_noop(
                "Your proposal for the high-risk activity list ({activity}) was rejected."
            )
        ),
        params={"activity": _activity_name(proposal), "version": proposal.list_version},
        url=_url(proposal),
        target=proposal,
    )
    return proposal


LIST_TEXTS = ("name_zh", "name_en", "description_zh", "description_en")
"""The texts a proposal carries for the activity it adds or changes."""


def _version_key(version: str) -> tuple[int, ...]:
    parts = version.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else (0,)


def versions() -> list[dict[str, object]]:
    """The history of the list, newest first: each version an approved proposal made
    (with the proposal), then the versions the list had before any of them (the
    shipped catalogue's, and any other still carried by an activity)."""
    approved = list(
        ListProposal.objects.filter(status=ProposalStatus.APPROVED)
        .exclude(list_version="")
        .select_related("proposer")
        .order_by("-decided_at", "-pk")
    )
    made = {p.list_version for p in approved}
    history: list[dict[str, object]] = [
        {"version": p.list_version, "at": p.decided_at, "proposal": p} for p in approved
    ]
    earlier = set(ListedActivity.objects.values_list("list_version", flat=True))
    earlier.add(norms.load_catalogue().expert_review_list.version)
    earlier -= made
    for version in sorted(earlier, key=_version_key, reverse=True):
        history.append({"version": version, "at": None, "proposal": None})
    return history
