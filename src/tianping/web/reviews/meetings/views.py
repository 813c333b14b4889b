"""Pages of the review workspace, meetings, the simplified procedure and appeals.

Each view: find the object through the selectors (404 when invisible), check the
action's permission (403), validate the form, call one service, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tianping.web.core import actions
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.library import language
from tianping.web.reviews.meetings import selectors, services
from tianping.web.reviews.meetings.forms import (
    AgendaForm,
    AppealDecideForm,
    AppealForm,
    AttendanceForm,
    ChangesForm,
    CommentForm,
    DeclarationForm,
    FindingForm,
    MeetingForm,
    MinutesForm,
    OpinionForm,
    RescheduleForm,
    ReviewersForm,
    VoteForm,
)
from tianping.web.reviews.models import (
    AgendaItem,
    Application,
    Comment,
    Meeting,
    Member,
    Procedure,
)


def _form_errors(request: HttpRequest, form: Any) -> None:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def _post(
    request: HttpRequest,
    action: Callable[[actions.Data], object],
    *,
    back: str,
    success: str,
    form: Any = None,
) -> HttpResponse:
    """Do a button's action and go ``back``, the outcome as a message (form errors unlabelled)."""
    return actions.post_and_redirect(
        request, action, back=back, success=success, form=form, invalid=_form_errors
    )


def _page(name: str, pk: int) -> str:
    """The URL of the page ``reviews:<name>`` of the object ``pk``."""
    return reverse(f"reviews:{name}", args=[pk])


def _require_chair(request: HttpRequest, body: Any) -> None:
    if not bodies_selectors.can_chair(request.user, body):
        raise PermissionDenied(_("Only the chair may do this."))


def _comment_kinds(request: AuthenticatedHttpRequest, application: Application) -> list[str]:
    kinds: list[str] = []
    if selectors.sees_internal(request.user, application):
        kinds += [Comment.Kind.NOTE, Comment.Kind.QUESTION]
    if applications_selectors.is_applicant(request.user, application):
        kinds.append(Comment.Kind.REPLY)
    return kinds


@login_required
def workspace_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    internal = selectors.sees_internal(request.user, application)
    member = bodies_selectors.roster_member(request.user, application.body)
    recused = member is not None and selectors.is_recused(member, application)
    undeclared = member is not None and not selectors.has_declared(member, application)
    can_review = (
        internal
        and not recused
        and not undeclared
        and application.status in selectors.WORKSPACE_STATUSES
    )
    comments = selectors.comments_visible(request.user, application)
    context = {
        "application": application,
        "internal": internal,
        "member": member,
        "recused": recused,
        "undeclared": undeclared and application.status in selectors.WORKSPACE_STATUSES,
        "can_review": can_review,
        "is_applicant": applications_selectors.is_applicant(request.user, application),
        "rows": selectors.applicable_items(application) if internal else [],
        "similar": selectors.similar_reviews(application) if internal else [],
        "declarations": selectors.declarations_of(application)
        if bodies_selectors.can_chair(request.user, application.body)
        else [],
        "comments": comments,
        "questions": [c for c in comments if c.kind == Comment.Kind.QUESTION],
        "comment_form": CommentForm(kinds=_comment_kinds(request, application)),
        "finding_form": FindingForm(),
        "open": application.status in selectors.WORKSPACE_STATUSES,
        "language": language(),
    }
    return render(request, "reviews/meetings/workspace.html", context)


@login_required
@require_POST
def finding_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    form = FindingForm(request.POST)
    if not form.is_valid():
        selectors.reviewer_seat(request.user, application)  # 403 before the form's errors
    return _post(
        request,
        lambda data: services.finding_set(actor=request.user, application=application, **data),
        form=form,
        back=_page("workspace", application.pk),
        success=_("Finding saved."),
    )


@login_required
@require_POST
def comment_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    kinds = _comment_kinds(request, application)
    if not kinds:
        raise PermissionDenied(_("You cannot comment on this application."))
    form = CommentForm(request.POST, kinds=kinds)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:workspace", pk=application.pk)
    reply_to = None
    if form.cleaned_data.get("reply_to"):
        reply_to = application.comments.filter(pk=form.cleaned_data["reply_to"]).first()
        if reply_to is None:
            messages.error(request, _("This comment is not on this application."))
            return redirect("reviews:workspace", pk=application.pk)
    try:
        services.comment_add(
            actor=request.user,
            application=application,
            kind=form.cleaned_data["kind"],
            body=form.cleaned_data["body"],
            reply_to=reply_to,
        )
    except ValidationError as exc:
        actions.error_message(request, exc)
    else:
        messages.success(request, _("Comment added."))
    return redirect("reviews:workspace", pk=application.pk)


def _member_declaring_through_chair(
    request: AuthenticatedHttpRequest, application: Application
) -> Any:
    """The roster member without an account named by ``?member=``, for the chair; else None."""
    raw = request.GET.get("member")
    if raw is None:
        return None
    _require_chair(request, application.body)
    try:
        return application.body.members.get(pk=int(raw), active=True, user__isnull=True)
    except (ValueError, TypeError, OverflowError, Member.DoesNotExist) as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def declaration_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    on_behalf = _member_declaring_through_chair(request, application)
    member = on_behalf or bodies_selectors.roster_member(request.user, application.body)
    if member is None:
        raise PermissionDenied(_("Only members of the review body declare interests."))
    current = application.declarations.filter(member=member, submitted_at__isnull=False).first()
    initial = (
        {"has_conflict": current.has_conflict, "statement": current.statement} if current else None
    )
    form = DeclarationForm(request.POST or None, initial=initial)
    back = request.GET.get("next", "")
    done = actions.form_submit(
        request,
        form,
        lambda data: services.declaration_submit(
            actor=request.user, application=application, member=on_behalf, **data
        ),
        success=_("Declaration recorded."),
        then=back
        if on_behalf is not None and back.startswith("/reviews/meetings/")
        else _page("workspace", application.pk),
    )
    if done is not None:
        return done
    return render(
        request,
        "reviews/meetings/declaration.html",
        {
            "application": application,
            "form": form,
            "current": current,
            "on_behalf": on_behalf,
            "grounds": selectors.detected_grounds(member, application),
            "recused": selectors.is_recused(member, application),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def my_declarations(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/meetings/my_declarations.html",
        {"rows": selectors.my_declarations(request.user)},
    )


@login_required
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    body = bodies_selectors.body_get(request.user, pk)
    return render(
        request,
        "reviews/meetings/meeting_list.html",
        {
            "body": body,
            "meetings": selectors.meetings_of(body),
            "can_chair": bodies_selectors.can_chair(request.user, body),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    body = bodies_selectors.body_get(request.user, pk)
    _require_chair(request, body)
    form = MeetingForm(request.POST or None)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.meeting_create(actor=request.user, body=body, **data),
        success=_("Meeting convened."),
        then=lambda meeting: _page("meeting_detail", meeting.pk),
    )
    return done or render(
        request,
        "reviews/meetings/meeting_form.html",
        {"body": body, "form": form},
        status=422 if request.method == "POST" else 200,
    )


def _agenda_candidates(meeting: Meeting) -> list[Application]:
    on_agenda = set(meeting.items.values_list("application_id", flat=True))
    apps = Application.objects.filter(
        body=meeting.body,
        status=Application.Status.UNDER_REVIEW,
        procedure__in=services.MEETING_PROCEDURES,
    ).order_by("due_at", "pk")
    return [a for a in apps if a.pk not in on_agenda and selectors._pending_item(a) is None]


def _item_view(request: HttpRequest, item: AgendaItem, member: Any) -> dict[str, Any]:
    app = item.application
    result = selectors.quorum(item.meeting, app)
    recused = (
        member is not None and member.ref in selectors.library_meeting(item.meeting, app).recused
    )
    declared = member is not None and selectors.has_declared(member, app)
    undeclared = selectors.undeclared_present(item.meeting, app)
    return {
        "item": item,
        "quorum": result,
        "findings": [f.describe(language()) for f in result.findings],
        "preview": selectors.tally_preview(item),
        "my_vote": selectors.vote_of(member, item),
        "votes_cast": item.votes.count(),
        "recused": recused,
        "undeclared": undeclared,
        "must_declare": member is not None and not declared and not recused,
        "started": selectors.meeting_started(item.meeting, timezone.now()),
        "can_open": result.met and not undeclared,
        "can_vote": (
            member is not None
            and item.voting_open
            and member.role != "consultant"
            and member.pk in selectors.present_ids(item.meeting)
            and not recused
            and declared
            and selectors.vote_of(member, item) is None
        ),
    }


@login_required
def meeting_detail(
    request: HttpRequest,
    pk: int,
    *,
    reschedule_form: RescheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    chair = bodies_selectors.can_chair(request.user, meeting.body)
    member = bodies_selectors.roster_member(request.user, meeting.body)
    roster = list(meeting.body.members.filter(active=True))
    present = selectors.present_ids(meeting)
    items = [
        _item_view(request, item, member)
        for item in meeting.items.select_related("application", "meeting__body__organisation")
    ]
    return render(
        request,
        "reviews/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "chair": chair,
            "member": member,
            "roster": roster,
            "present": present,
            "items": items,
            "agenda_form": AgendaForm(applications=_agenda_candidates(meeting)) if chair else None,
            "attendance_form": AttendanceForm(
                members=roster, initial={"present": [str(i) for i in present]}
            )
            if chair
            else None,
            "vote_form": VoteForm(),
            "changes_form": ChangesForm(),
            "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
            "started": selectors.meeting_started(meeting, timezone.now()),
            "reschedule_form": reschedule_form
            or RescheduleForm(initial={"scheduled_for": timezone.localtime()}),
            "reschedules": meeting.reschedules.select_related("rescheduled_by"),
        },
        status=status,
    )


@login_required
def item_quorum(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The live quorum and count of one agenda item (a fragment, polled by the page)."""
    meeting = selectors.meeting_get(request.user, pk)
    item = selectors.item_get(meeting, item_pk)
    member = bodies_selectors.roster_member(request.user, meeting.body)
    return render(
        request,
        "reviews/meetings/_quorum.html",
        {"i": _item_view(request, item, member), "meeting": meeting},
    )


@login_required
@require_POST
def agenda_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    _require_chair(request, meeting.body)
    form = AgendaForm(request.POST, applications=_agenda_candidates(meeting))
    return _post(
        request,
        lambda data: services.agenda_add(
            actor=request.user,
            meeting=meeting,
            application=applications_selectors.application_get(
                request.user, int(data["application"])
            ),
        ),
        form=form,
        back=_page("meeting_detail", meeting.pk),
        success=_("Added to the agenda."),
    )


@login_required
@require_POST
def attendance_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    _require_chair(request, meeting.body)
    form = AttendanceForm(request.POST, members=meeting.body.members.filter(active=True))
    return _post(
        request,
        lambda data: services.attendance_set(
            actor=request.user, meeting=meeting, present_member_ids=form.member_ids()
        ),
        form=form,
        back=_page("meeting_detail", meeting.pk),
        success=_("Attendance recorded."),
    )


@login_required
@require_POST
def meeting_reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    _require_chair(request, meeting.body)
    form = RescheduleForm(request.POST)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.meeting_reschedule(actor=request.user, meeting=meeting, **data),
        success=_("Meeting rescheduled; the members are notified."),
        then=_page("meeting_detail", meeting.pk),
    )
    return done or meeting_detail(request, pk, reschedule_form=form, status=422)


@login_required
@require_POST
def meeting_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    _require_chair(request, meeting.body)
    return _post(
        request,
        lambda data: services.meeting_close(actor=request.user, meeting=meeting, **data),
        form=MinutesForm(request.POST),
        back=_page("meeting_detail", meeting.pk),
        success=_("Meeting closed."),
    )


@login_required
@require_POST
def voting_open(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    _require_chair(request, meeting.body)
    item = selectors.item_get(meeting, item_pk)
    return _post(
        request,
        lambda data: services.voting_open(actor=request.user, item=item),
        back=_page("meeting_detail", meeting.pk),
        success=_("Voting is open."),
    )


@login_required
@require_POST
def vote_post(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    item = selectors.item_get(meeting, item_pk)
    if bodies_selectors.roster_member(request.user, meeting.body) is None:
        raise PermissionDenied(_("Only members of the review body vote."))
    return _post(
        request,
        lambda data: services.vote_cast(actor=request.user, item=item, **data),
        form=VoteForm(request.POST),
        back=_page("meeting_detail", meeting.pk),
        success=_("Vote recorded."),
    )


@login_required
@require_POST
def voting_close(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    _require_chair(request, meeting.body)
    item = selectors.item_get(meeting, item_pk)
    form = ChangesForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:meeting_detail", pk=meeting.pk)
    try:
        closed = services.voting_close(
            actor=request.user,
            item=item,
            required_changes=form.cleaned_data["required_changes"],
            reasons=form.cleaned_data["reasons"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except ValidationError as exc:
        actions.error_message(request, exc)
    else:
        if closed.tally and closed.tally.get("decided"):
            messages.success(request, _("Vote closed: a decision was reached."))
        else:
            messages.warning(
                request, _("Vote closed without a decision; the application stays under review.")
            )
    return redirect("reviews:meeting_detail", pk=meeting.pk)


@login_required
def simplified_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    if not selectors.sees_internal(request.user, application):
        # The review body's own page: outside it, 404 like any read out of reach.
        raise Http404
    chair = bodies_selectors.can_chair(request.user, application.body)
    member = bodies_selectors.roster_member(request.user, application.body)
    state = selectors.state(application)
    mine = next((o for o in state["opinions"] if member and o.member_id == member.pk), None)
    active = (
        application.status == Application.Status.UNDER_REVIEW
        and application.procedure == Procedure.SIMPLIFIED
    )
    return render(
        request,
        "reviews/meetings/simplified.html",
        {
            "application": application,
            "state": state,
            "chair": chair,
            "active": active,
            "mine": mine,
            # A named reviewer declares their interests before giving an opinion.
            "undeclared": member is not None
            and mine is not None
            and not selectors.has_declared(member, application),
            "findings": [f.describe(language()) for f in state["outcome"].findings]
            if state["outcome"] is not None
            else [],
            "reviewers_form": ReviewersForm(
                members=list(application.body.members.filter(active=True)),
                initial={"members": [str(o.member_id) for o in state["opinions"]]},
            ),
            "opinion_form": OpinionForm(),
            "changes_form": ChangesForm(),
        },
    )


@login_required
@require_POST
def simplified_name(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    _require_chair(request, application.body)
    form = ReviewersForm(request.POST, members=list(application.body.members.filter(active=True)))
    return _post(
        request,
        lambda data: services.reviewers_name(
            actor=request.user, application=application, member_ids=form.member_ids()
        ),
        form=form,
        back=_page("simplified", application.pk),
        success=_("Reviewers named."),
    )


@login_required
@require_POST
def simplified_opinion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    form = OpinionForm(request.POST)
    if (
        not form.is_valid()
        and bodies_selectors.roster_member(request.user, application.body) is None
    ):
        raise PermissionDenied(_("Only named reviewers give opinions."))
    return _post(
        request,
        lambda data: services.opinion_give(actor=request.user, application=application, **data),
        form=form,
        back=_page("simplified", application.pk),
        success=_("Opinion recorded."),
    )


@login_required
@require_POST
def simplified_conclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    _require_chair(request, application.body)
    return _post(
        request,
        lambda data: services.simplified_conclude(
            actor=request.user, application=application, **data
        ),
        form=ChangesForm(request.POST),
        back=_page("simplified", application.pk),
        success=_("Decision recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = applications_selectors.application_get(request.user, pk)
    if not applications_selectors.is_applicant(request.user, application):
        raise PermissionDenied(_("Only the applicant may appeal."))
    form = AppealForm(request.POST or None)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.appeal_file(actor=request.user, application=application, **data),
        success=_("Appeal filed."),
        then=_page("application_detail", application.pk),
    )
    return done or render(
        request,
        "reviews/meetings/appeal_form.html",
        {
            "application": application,
            "form": form,
            "appealable": selectors.appealable(application),
            "appeals": application.appeals.all(),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(request.user, pk)
    application = appeal.application
    _require_chair(request, application.body)
    form = AppealDecideForm(request.POST or None)
    done = actions.form_submit(
        request,
        form,
        lambda data: services.appeal_decide(actor=request.user, appeal=appeal, **data),
        success=_("Appeal decided."),
        then=_page("application_detail", application.pk),
    )
    return done or render(
        request,
        "reviews/meetings/appeal_decide.html",
        {"application": application, "appeal": appeal, "form": form},
        status=422 if request.method == "POST" else 200,
    )
