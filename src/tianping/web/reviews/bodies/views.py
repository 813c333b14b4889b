"""The HTML pages of review bodies."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tianping.web import uploads
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation
from tianping.web.accounts.selectors import organisations_where
from tianping.web.core import actions, timezones
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews import library
from tianping.web.reviews.bodies import selectors, services
from tianping.web.reviews.bodies.forms import (
    AnnualReportForm,
    BodyForm,
    EntrustmentForm,
    MemberForm,
    RegistrationForm,
)
from tianping.web.reviews.models import ReviewBody


def _creatable_organisations(user: Any) -> list[Organisation]:
    candidates = Organisation.objects.filter(
        kind__in=services.BODY_KINDS, review_body__isnull=True
    ).select_related("parent")
    return [o for o in candidates if selectors.can_create_body(user, o)]


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/bodies/list.html",
        {
            "bodies": selectors.bodies_visible_to(request.user),
            "can_create": bool(_creatable_organisations(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def body_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = _creatable_organisations(request.user)
    if not organisations:
        raise PermissionDenied(_("You cannot set up a review body."))
    queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
    form = BodyForm(request.POST or None, organisations=queryset)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.body_create(actor=request.user, **data),
        success=_("Review body recorded. Next: add its members."),
        then=_body_url,
    )
    return done or render(request, "reviews/bodies/form.html", {"form": form, "creating": True})


@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = selectors.body_get(request.user, pk)
    today = timezones.today(timezones.zone_of(body.organisation))
    can_manage = selectors.can_manage_body(request.user, body)
    lang = library.language()
    findings: list[str] = []
    reminder_rows: list[dict[str, Any]] = []
    composition = None
    try:
        composition = selectors.composition(body, today)
        findings = [f.describe(lang) for f in composition.findings]
        reminder_rows = [
            {
                "kind": r.kind,
                "status": r.status,
                "due": r.due,
                "days": r.days,
                "year": r.year,
                "message": r.message.get(lang),
                "citation": r.rule.citation.get(lang),
            }
            for r in selectors.reminders(body, today).items
        ]
        problem = None
    except ValidationError as exc:
        problem = " ".join(exc.messages)
    return render(
        request,
        "reviews/bodies/detail.html",
        {
            "body": body,
            "members": body.members.select_related("user").order_by("-active", "role", "name"),
            "composition": composition,
            "findings": findings,
            "reminders": reminder_rows,
            "problem": problem,
            "today": today,
            "language": library.language(),
            "can_manage": can_manage,
            "registration_form": RegistrationForm(initial={"registered_on": today}),
            "report_form": AnnualReportForm(initial={"year": today.year - 1, "filed_on": today}),
            "entrustments": body.entrustments.select_related("organisation")
            if body.is_review_centre
            else [],
        },
    )


def _body_url(body: ReviewBody) -> str:
    return reverse("reviews:body_detail", args=[body.pk])


def _managed_body(request: HttpRequest, pk: int) -> ReviewBody:
    body = selectors.body_get(request.user, pk)
    if not selectors.can_manage_body(request.user, body):
        raise PermissionDenied(_("You cannot manage this review body."))
    return body


def _member_fields(request: HttpRequest, form: MemberForm) -> dict[str, Any]:
    fields = form.service_fields()
    username = form.cleaned_data.get("username")
    fields["user"] = selectors.user_by_username(username) if username else None
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    body = _managed_body(request, pk)
    form = MemberForm(request.POST or None)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.member_add(
            actor=request.user, body=body, **_member_fields(request, form)
        ),
        success=_("Member added to the roster."),
        then=_body_url(body),
    )
    return done or render(
        request, "reviews/bodies/member_form.html", {"form": form, "body": body, "creating": True}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    body = _managed_body(request, pk)
    member = selectors.member_get(body, member_pk)
    form = MemberForm(request.POST or None, initial=MemberForm.initial_from(member))
    done = actions.form_submit(
        request,
        form,
        lambda data: services.member_update(
            actor=request.user, member=member, **_member_fields(request, form)
        ),
        success=_("Changes saved."),
        then=_body_url(body),
    )
    return done or render(
        request, "reviews/bodies/member_form.html", {"form": form, "body": body, "member": member}
    )


@login_required
@require_POST
def member_deactivate(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    body = _managed_body(request, pk)
    member = selectors.member_get(body, member_pk)
    return actions.post_and_redirect(
        request,
        lambda data: services.member_deactivate(actor=request.user, member=member),
        back=_body_url(body),
        success=_("Member taken off the roster."),
    )


@login_required
@require_POST
def body_registration(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    body = _managed_body(request, pk)
    return actions.post_and_redirect(
        request,
        lambda data: services.registration_record(actor=request.user, body=body, **data),
        form=RegistrationForm(request.POST),
        back=_body_url(body),
        success=_("Registration recorded."),
    )


@login_required
@require_POST
def body_annual_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    body = _managed_body(request, pk)
    return actions.post_and_redirect(
        request,
        lambda data: services.annual_report_record(actor=request.user, body=body, **data),
        form=AnnualReportForm(request.POST),
        back=_body_url(body),
        success=_("Annual report recorded."),
    )


def _entrusting_organisations(user: Any) -> Any:
    return (
        organisations_where(user, selectors.APPLICANT_ROLES)
        .exclude(kind__in=[*REGULATOR_KINDS, *services.BODY_KINDS])
        .order_by("name")
    )


@login_required
def entrustment_list(request: HttpRequest) -> HttpResponse:
    entrustments = selectors.entrustments_visible_to(request.user)
    return render(
        request,
        "reviews/bodies/entrustments.html",
        {
            "entrustments": [
                (e, selectors.can_entrust(request.user, e.organisation)) for e in entrustments
            ],
            "can_create": _entrusting_organisations(request.user).exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entrustment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = _entrusting_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("You cannot entrust reviews on behalf of an organisation."))
    form = EntrustmentForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        centres=selectors.review_centres(),
        too_large=uploads.cut_off(request),
    )
    done = actions.form_submit(
        request,
        form,
        lambda data: services.entrustment_create(actor=request.user, **data),
        success=_("Entrustment recorded."),
        then=reverse("reviews:entrustment_list"),
    )
    return done or render(request, "reviews/bodies/entrustment_form.html", {"form": form})


@login_required
@require_POST
def entrustment_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entrustment = selectors.entrustment_get(request.user, pk)
    return actions.post_and_redirect(
        request,
        lambda data: services.entrustment_revoke(actor=request.user, entrustment=entrustment),
        back=reverse("reviews:entrustment_list"),
        success=_("Entrustment revoked."),
    )
