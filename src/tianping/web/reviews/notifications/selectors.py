"""Reads of review notifications: who the recipients of an application are; nothing here
writes. (The caller's own notifications: :mod:`tianping.web.core.notifications`.)"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

from tianping.web.accounts.selectors import users_in
from tianping.web.reviews.models import Application, ReviewBody


def application_url(application: Application | int, page: str = "") -> str:
    """The path of an application's page (``page``: ``workspace/``, ``simplified/`` …)."""
    pk = application if isinstance(application, int) else application.pk
    return reverse("reviews:application_detail", args=[pk]) + page


def applicants_of(application: Application) -> list[User]:
    users = users_in([application.organisation_id], ["applicant", "admin"])
    if application.submitted_by is not None:
        users.append(application.submitted_by)
    return users


def chairs_of(body: ReviewBody) -> list[User]:
    users = users_in([body.organisation_id], ["chair"])
    users += [
        m.user
        for m in body.members.filter(active=True, role__in=["chair", "vice_chair"])
        .exclude(user=None)
        .select_related("user")
        if m.user is not None
    ]
    return users


def members_of(body: ReviewBody) -> list[User]:
    return [
        m.user
        for m in body.members.filter(active=True).exclude(user=None).select_related("user")
        if m.user is not None
    ]
