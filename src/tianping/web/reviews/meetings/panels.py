"""A section of the application page; see ``views_applications.application_detail``.

A short summary with links: the review workspace, the user's declaration and
the declarations made, the meeting and its vote, the simplified review, appeals."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.applications.selectors import is_applicant
from tianping.web.reviews.bodies.selectors import can_chair, roster_member
from tianping.web.reviews.meetings import selectors
from tianping.web.reviews.models import Appeal, Application, Comment


def _simplified_labels() -> dict[str, str]:
    return {
        "not_named": _("reviewers not named yet"),
        "not_enough_reviewers": _("too few reviewers named"),
        "awaiting_opinions": _("awaiting opinions"),
        "awaiting_chair": _("reviewers concur; awaiting the chair"),
        "move_to_meeting": _("moved to a meeting"),
        "decided": _("decided"),
    }


def panel(request: AuthenticatedHttpRequest, application: Application) -> str:
    """Rendered HTML of this area's section of the application page ("" for none)."""
    user = request.user
    if application.status in {Application.Status.DRAFT, Application.Status.WITHDRAWN}:
        return ""
    internal = selectors.sees_internal(user, application)
    applicant = is_applicant(user, application)
    chair = can_chair(user, application.body)
    member = roster_member(user, application.body)
    questions = application.comments.filter(kind=Comment.Kind.QUESTION)
    open_questions = questions.exclude(replies__kind=Comment.Kind.REPLY).count()
    declarations = application.declarations.all()
    item = (
        application.agenda_items.select_related("meeting")
        .order_by("-meeting__scheduled_for")
        .first()
    )
    show_simplified = internal and (
        application.procedure == "simplified" or application.simplified_opinions.exists()
    )
    status = selectors.state(application)["status"] if show_simplified else ""
    appeals = list(application.appeals.all()) if (applicant or internal) else []
    can_appeal = (
        applicant
        and selectors.appealable(application)
        and not any(a.outcome == Appeal.Outcome.PENDING for a in appeals)
    )
    return render_to_string(
        "reviews/meetings/_panel.html",
        {
            "application": application,
            "internal": internal,
            "can_workspace": internal or applicant,
            "open_questions": open_questions if (internal or applicant) else 0,
            "member": member,
            "recused": member is not None and selectors.is_recused(member, application),
            "declared": declarations.count() if internal else None,
            "recused_count": declarations.filter(recused=True).count() if internal else 0,
            "item": item if internal else None,
            "simplified": show_simplified,
            "simplified_label": _simplified_labels().get(status, status),
            "appeals": appeals,
            "can_appeal": can_appeal,
            "can_decide_appeal": chair,
        },
        request=request,
    )
