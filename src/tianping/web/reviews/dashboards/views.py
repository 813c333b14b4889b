"""The HTML pages of dashboards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.dashboards import selectors


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The role dashboards: applicant, committee member, chair, authority."""
    board = selectors.dashboard(request.user)
    return render(request, "reviews/records/home.html", {"board": board})
