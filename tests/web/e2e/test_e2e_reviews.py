"""Ethics review end to end in a real Chromium, with every role in its own browser.

Two journeys on the demo network (the 星河 committee, the Shanghai regulator and
the demo experts), each on an AI system of 星河 registered for the test (the demo's
own systems all have a review already):

- the general procedure: draft, the one notice, the bundle, acceptance, a meeting,
  the vote, the decision letter and the follow-up report — with a double vote, a
  stale form and a disguised upload on the way;
- a listed activity: the committee's approving vote goes to expert re-review by
  the Shanghai regulator, whose panel of five demo experts agrees.

The pages are read in English (the language cookie), so the assertions read
like the interface.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

pytestmark = [pytest.mark.e2e]

TIMEOUT_MS = 15_000  # as the ``context`` fixture of conftest.py
CHECKED_REQUESTS = {"stylesheet", "script", "font", "image", "xhr", "fetch"}

COMMITTEE = "星河金融科技科技伦理委员会"
VOTERS = [  # every quorum category: domain, ethics, law, external, both genders
    "member_tech",
    "member_domain",
    "member_law",
    "member_ethics",
    "member_public",
]
EXPERTS = {
    "expert": ["ai_technology"],
    "expert_domain": ["domain"],
    "expert_ethics": ["ethics"],
    "expert_law": ["law"],
    "expert_public": ["other"],
}
PLAIN_ANSWERS: dict[str, Any] = {
    "personal_info": True,
    "sensitive_pi": False,
    "minors": False,
    "affects_rights": True,
    "automated_decisions": ["none"],
    "public_facing": True,
    "generative": True,
    "third_party_components": True,
    "exported": False,
    "listed_activities": ["none"],
    "scale": "10k_1m",
    "mitigations": ["human_review", "monitoring"],
}
LISTED_ANSWERS: dict[str, Any] = {
    **PLAIN_ANSWERS,
    "automated_decisions": ["recommendation"],
    "listed_activities": ["public_opinion_mobilisation"],
    "scale": "gt_1m",
}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Users:
    """Each user in a browser context of their own, in English, logged in by the form."""

    def __init__(self, browser: Browser, url: str, password: str) -> None:
        self.browser, self.url, self.password = browser, url, password
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    def _watch(self, page: Page) -> Page:
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

        def check(response: Response) -> None:
            # Refusals (4xx) of a page are part of the journeys; a broken asset or a 500 is not.
            kind = response.request.resource_type
            if response.status >= 500 or (response.status >= 400 and kind in CHECKED_REQUESTS):
                self.problems.append(f"{response.status} for {kind} {response.url}")

        page.on("response", check)
        return page

    def login(self, username: str) -> Page:
        ctx = self.browser.new_context(
            locale="en-GB", accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        ctx.set_default_timeout(TIMEOUT_MS)
        ctx.add_cookies([{"name": "django_language", "value": "en", "url": self.url}])
        self.contexts.append(ctx)
        page = self._watch(ctx.new_page())
        page.goto(f"{self.url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(self.password)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{self.url}/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        return page

    def tab(self, page: Page, url: str) -> Page:
        """A second tab of the same user (same session)."""
        other = self._watch(page.context.new_page())
        other.goto(url)
        return other

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture
def users(browser: Browser, live_server: Any, demo: dict[str, Any]) -> Iterator[Users]:
    crowd = Users(browser, live_server.url, demo["password"])
    yield crowd
    crowd.close()
    assert not crowd.problems, crowd.problems


def _register(name: str, answers: dict[str, Any]) -> Any:
    """A new system of 星河 with its intake (the demo's systems all have a review)."""
    from django.contrib.auth import get_user_model

    from tianping.web.accounts.models import Organisation
    from tianping.web.systems.services import intake_submit, system_register

    applicant = get_user_model().objects.get(username="applicant")
    system = system_register(
        actor=applicant,
        organisation=Organisation.objects.get(name="星河金融科技有限公司"),
        name=name,
        purpose="对客户服务通话自动质检并提示坐席改进。",
        owner="客户服务部",
        sector="finance",
        lifecycle_stage="test",
        people_affected="每年约 40 万名来电客户",
        markets=["domestic"],
    )
    intake_submit(actor=applicant, system=system, answers=answers)
    system.refresh_from_db()
    return system


def _bundle(body: Any) -> list[Any]:
    from tianping.web.reviews.library import rules_for

    return [i for i in rules_for(body).bundle() if i.id != "risk_self_assessment"]


def _success(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("ul.messages li.success")).to_contain_text(text)


def _error(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("ul.messages li.error")).to_contain_text(text)


def _app_id(page: Page) -> int:
    found = re.search(r"/reviews/applications/(\d+)/$", page.url)
    assert found, page.url
    return int(found.group(1))


def test_general_procedure_from_submission_to_follow_up(users: Users, live_server: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tianping.web.reviews.meetings import services as meetings
    from tianping.web.reviews.models import Application, FollowUp

    system = _register("智能客服质检 XH-QA", PLAIN_ANSWERS)
    url = live_server.url

    # --- the applicant drafts from the system's page ------------------------------------------
    applicant = users.login("applicant")
    applicant.goto(f"{url}/systems/{system.pk}/")
    applicant.get_by_role("link", name="Request ethics review").click()
    expect(applicant.locator("#routing")).to_contain_text(COMMITTEE)
    expect(applicant.locator("#id_title")).to_have_value(system.name)
    applicant.locator("#id_summary").fill("坐席通话质检的自动评分；评分只作辅导之用，不影响考核。")
    applicant.locator("#id_team").fill("applicant")
    applicant.get_by_role("button", name="Draft the application").click()
    expect(applicant).to_have_url(re.compile(r"/reviews/applications/\d+/$"))
    app_url = applicant.url
    pk = _app_id(applicant)
    expect(applicant.locator("#status")).to_have_attribute("data-status", "draft")
    bundle = _bundle(Application.objects.get(pk=pk).body)

    # An incomplete first submission: ONE notice listing everything missing.
    applicant.locator("#submit-form button").click()
    expect(applicant.locator("#status")).to_have_attribute("data-status", "incomplete")
    expect(applicant.locator("ul.messages li.warning")).to_contain_text("incomplete")
    notice = applicant.locator("#notice")
    expect(notice).to_contain_text("one notice")
    listed = notice.locator("li[data-item]")
    expect(listed).to_have_count(len(bundle) + 1)  # and the self-assessment
    expected_ids = {"risk_self_assessment", *(i.id for i in bundle)}
    assert {listed.nth(n).get_attribute("data-item") for n in range(listed.count())} == (
        expected_ids
    )
    expect(notice).to_contain_text("informed-consent form")

    # The self-assessment, pre-filled from the intake.
    applicant.locator("#self-assessment-card").get_by_role("link", name="Complete it").click()
    expect(applicant).to_have_url(f"{app_url}self-assessment/")
    applicant.get_by_label("Ethics risks of the activity").fill(
        "误判导致对坐席的不公正评价；通话录音涉及客户个人信息。"
    )
    applicant.get_by_label("Controls against them").fill(
        "评分仅供辅导，人工复核；录音脱敏，90 日删除。"
    )
    applicant.get_by_label("Residual risk").select_option("low")
    applicant.get_by_role("button", name="Save").click()
    expect(applicant).to_have_url(app_url)
    _success(applicant, "Self-assessment saved")

    # Still incomplete after the notice: refused with the list, no second notice.
    applicant.locator("#submit-form button").click()
    _error(applicant, "still incomplete")
    expect(applicant.locator("#status")).to_have_attribute("data-status", "incomplete")
    assert Application.objects.get(pk=pk).events.filter(kind="notice_sent").count() == 1

    # An HTML page renamed .pdf is refused, nothing attached.
    form = applicant.locator("#attachment-form")
    form.locator("select[name=kind]").select_option("plan")
    form.locator("input[type=file]").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"<html><script>x</script>"}
    )
    form.get_by_role("button", name="Attach").click()
    _error(applicant, "not accepted")
    expect(applicant.locator('#checklist tr[data-item="plan"]')).to_have_class(
        re.compile(r"state-missing")
    )

    # Every item of the bundle: PDFs and UTF-8 text, as files are.
    for n, item in enumerate(bundle):
        if item.waivable:
            continue
        form = applicant.locator("#attachment-form")
        form.locator("select[name=kind]").select_option(item.id)
        upload = (
            {"name": f"{item.id}.pdf", "mimeType": "application/pdf", "buffer": PDF}
            if n % 2 == 0
            else {
                "name": f"{item.id}.txt",
                "mimeType": "text/plain",
                "buffer": f"{item.id}：说明材料。\n".encode(),
            }
        )
        form.locator("input[type=file]").set_input_files(upload)
        form.get_by_role("button", name="Attach").click()
        _success(applicant, "File attached")
        expect(applicant.locator(f'#checklist tr[data-item="{item.id}"]')).to_have_class(
            re.compile(r"state-supplied")
        )

    # A stale page: the second tab was loaded before the first changed the application.
    stale = users.tab(applicant, app_url)
    applicant.reload()
    removable = applicant.locator('#attachments tr[data-item="plan"]')
    removable.get_by_role("button", name="Remove").click()
    _success(applicant, "Attachment removed")
    stale_waiver = stale.locator("#waiver-form")
    stale_waiver.locator("select[name=kind]").select_option("consent_form")
    stale_waiver.get_by_label("Why it does not apply").fill("无人作为研究参与者。")
    stale_waiver.get_by_role("button", name="Mark not applicable").click()
    _error(stale, "changed this application meanwhile")
    expect(stale.locator('#checklist tr[data-item="consent_form"]')).to_have_class(
        re.compile(r"state-missing")
    )
    stale.close()

    applicant.reload()
    form = applicant.locator("#attachment-form")
    form.locator("select[name=kind]").select_option("plan")
    form.locator("input[type=file]").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.get_by_role("button", name="Attach").click()
    _success(applicant, "File attached")
    waiver = applicant.locator("#waiver-form")
    waiver.locator("select[name=kind]").select_option("consent_form")
    waiver.get_by_label("Why it does not apply").fill("系统不招募研究参与者；通话数据经去标识化。")
    waiver.get_by_role("button", name="Mark not applicable").click()
    _success(applicant, "not applicable")
    expect(applicant.locator("#bundle-complete")).to_be_visible()

    applicant.locator("#submit-form button").click()
    _success(applicant, "submitted")
    expect(applicant.locator("#status")).to_have_attribute("data-status", "submitted")

    # --- the chair accepts under the general procedure ----------------------------------------
    chair = users.login("chair")
    chair.goto(app_url)
    accept = chair.locator("#accept-form")
    accept.locator("select[name=procedure]").select_option("general")
    accept.get_by_role("button", name="Accept").click()
    _success(chair, "accepted")
    expect(chair.locator("#status")).to_have_attribute("data-status", "under_review")
    expect(chair.locator("#procedure")).to_contain_text("General")
    app = Application.objects.get(pk=pk)
    assert app.due_at is not None
    due = timezone.localtime(app.due_at)
    expect(chair.locator("#deadline")).to_contain_text(due.strftime("%Y-%m-%d"))
    expect(chair.locator("#deadline")).to_contain_text("left")

    # --- a meeting: from the committee's page, convene, agenda, attendance ---------------------
    chair.locator("#status-card").get_by_role("link", name=COMMITTEE).click()
    chair.locator("#meetings-link").click()
    chair.locator("#meeting-new").click()
    when = timezone.localtime(timezone.now() + timedelta(minutes=5))
    chair.get_by_label("Scheduled for").fill(when.strftime("%Y-%m-%dT%H:%M"))
    chair.get_by_label("Place or video link").fill("星河大厦 12 层会议室")
    chair.get_by_role("button", name="Convene").click()
    _success(chair, "Meeting convened")
    meeting_url = chair.url
    # Not yet its time: the page says so; the chair reschedules it to now to hold it at once.
    expect(chair.locator("#not-yet")).to_be_visible()
    reschedule = chair.locator("#reschedule")
    now = timezone.localtime(timezone.now())
    reschedule.get_by_label("New time").fill(now.strftime("%Y-%m-%dT%H:%M"))
    reschedule.get_by_label("Reason").fill("全体委员已到场，提前开会。")
    reschedule.get_by_role("button", name="Reschedule and notify the members").click()
    _success(chair, "Meeting rescheduled")
    expect(chair.locator("#not-yet")).to_have_count(0)
    agenda = chair.locator("#agenda-form")
    agenda.locator("select").select_option(str(pk))
    agenda.get_by_role("button", name="Add to the agenda").click()
    _success(chair, "Added to the agenda")
    item = chair.locator("article.agenda-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(app.reference)

    # Too few present: no quorum, and the vote is refused with what is missing.
    attendance = chair.locator("#attendance")
    for name in ("张伟", "刘洋", "马超"):
        attendance.get_by_label(name, exact=False).check()
    attendance.get_by_role("button", name="Record attendance").click()
    _success(chair, "Attendance recorded")
    expect(item.locator("[data-quorum]")).to_have_attribute("data-quorum", "missing")
    expect(item.locator(".missing-categories")).to_contain_text("Law")
    expect(item.get_by_role("button", name="Open voting")).to_be_disabled()
    assert not app.agenda_items.filter(voting_open=True).exists()

    for checkbox in attendance.locator('input[name="present"]').all():
        checkbox.check()
    attendance.get_by_role("button", name="Record attendance").click()
    expect(item.locator("[data-quorum]")).to_have_attribute("data-quorum", "met")
    expect(item.locator(".quorum")).to_contain_text("7 members counted (at least 5)")
    # Nobody has declared on this application yet: the page names them, the vote stays shut.
    expect(item.locator(".declarations-missing")).to_be_visible()
    expect(item.get_by_role("button", name="Open voting")).to_be_disabled()
    # Each member present declares (through the services: the declaration page is exercised
    # elsewhere); the chair records it for the member without an account.
    app.refresh_from_db()
    for seat in app.body.members.filter(active=True).select_related("user"):
        meetings.declaration_submit(
            actor=seat.user or get_user_model().objects.get(username="chair"),
            application=app,
            has_conflict=False,
            member=None if seat.user else seat,
        )
    chair.reload()
    expect(item.locator(".declarations-missing")).to_have_count(0)
    item.get_by_role("button", name="Open voting").click()
    _success(chair, "Voting is open")

    # --- the members vote, each in their own browser ------------------------------------------
    for username in VOTERS:
        member = users.login(username)
        member.goto(meeting_url)
        if username == "member_public":
            # Two tabs of the same member: the second vote is refused, clearly.
            second = users.tab(member, meeting_url)
        vote = member.locator("form.vote-form")
        vote.get_by_label("Approve", exact=True).check()
        vote.get_by_role("button", name="Vote").click()
        _success(member, "Vote recorded")
        expect(member.locator("#agenda")).to_contain_text("You voted: Approve.")
        expect(member.locator("form.vote-form")).to_have_count(0)
    second.locator("form.vote-form").get_by_label("Do not approve").check()
    second.locator("form.vote-form").get_by_role("button", name="Vote").click()
    _error(second, "already voted")
    expect(second.locator("#agenda")).to_contain_text("You voted: Approve.")

    # --- the chair closes the vote: approved --------------------------------------------------
    chair.reload()
    expect(item.locator(".quorum")).to_contain_text(f"{len(VOTERS)} votes cast")
    item.get_by_role("button", name="Close the vote and count").click()
    _success(chair, "decision was reached")
    expect(chair.locator(".tally")).to_contain_text("approve")
    chair.locator("#close-meeting").get_by_label("Minutes").fill("一致同意。")
    chair.locator("#close-meeting").get_by_role("button", name="Close the meeting").click()
    expect(chair.locator("#meeting-status")).to_have_text("Closed")
    app.refresh_from_db()
    assert (app.status, app.decision) == ("decided", "approve")
    follow_up = app.follow_ups.get(kind=FollowUp.Kind.SCHEDULED)
    assert follow_up.due_on is not None

    # --- the applicant: the decision, the letter, the follow-up -------------------------------
    applicant.goto(app_url)
    expect(applicant.locator("#status")).to_have_attribute("data-status", "decided")
    expect(applicant.locator("#status-card")).to_contain_text("Approve")
    expect(applicant.locator("#follow-ups")).to_contain_text(follow_up.due_on.strftime("%Y-%m-%d"))
    records = applicant.locator("#review-records")
    records.get_by_label("Language").select_option("en")
    records.get_by_role("button", name="Prepare the decision letter").click()
    expect(applicant).to_have_url(re.compile(r"/reviews/letters/[0-9a-f-]{36}/$"))
    with applicant.expect_download() as info:
        applicant.locator("#download-letter").click()
    letter = Path(info.value.path()).read_bytes()
    assert letter.startswith(b"%PDF-")
    assert info.value.suggested_filename == f"tianping-decision-{app.reference}-en.pdf"

    applicant.goto(app_url)
    applicant.locator("#follow-ups").get_by_role("link", name="Submit the follow-up report").click()
    applicant.get_by_label("Report").fill("上线三个月，质检评分与人工抽检一致率 96%，无投诉。")
    applicant.get_by_role("button", name="Submit the follow-up report").click()
    _success(applicant, "Follow-up report submitted")
    later = _app_id(applicant)
    assert later != pk
    expect(applicant.locator("#status")).to_have_attribute("data-status", "submitted")
    expect(applicant.locator(".lead")).to_contain_text("Follow-up")
    follow_up_review = Application.objects.get(pk=later)
    assert follow_up_review.kind == "follow_up" and follow_up_review.previous_id == pk
    # The chair sees it waiting for acceptance.
    chair.goto(f"{url}/reviews/applications/{later}/")
    expect(chair.locator("#accept-form")).to_be_visible()


def _committee_approves_in_services(system: Any) -> Any:
    """Submit, accept and vote through the services: the repetitive part of the journey."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tianping.web.reviews.applications import services as applications
    from tianping.web.reviews.meetings import services as meetings

    user = {u.username: u for u in get_user_model().objects.all()}
    applicant, chair = user["applicant"], user["chair"]
    app = applications.application_create(
        actor=applicant,
        system=system,
        title="财经短视频推荐伦理审查",
        team=["applicant"],
        parties=[],
    )
    app = applications.self_assessment_update(
        actor=applicant,
        application=app,
        expected_version=app.version,
        risks="舆论引导与信息茧房。",
        controls="人工编辑审核，多样性约束。",
        residual_risk="medium",
    )
    for item in _bundle(app.body):
        if item.waivable:
            applications.attachment_waive(
                actor=applicant, application=app, kind=item.id, reason="无研究参与者。"
            )
        else:
            applications.attachment_add(
                actor=applicant,
                application=app,
                kind=item.id,
                upload=SimpleUploadedFile(f"{item.id}.pdf", PDF, content_type="application/pdf"),
            )
    app.refresh_from_db()
    app = applications.application_submit(
        actor=applicant, application=app, expected_version=app.version
    )
    app = applications.application_accept(
        actor=chair, application=app, procedure="general", expected_version=app.version
    )
    meeting = meetings.meeting_create(
        actor=chair, body=app.body, scheduled_for=timezone.now(), location="线上", consultants=[]
    )
    item = meetings.agenda_add(actor=chair, meeting=meeting, application=app)
    present = list(app.body.members.filter(active=True).values_list("pk", flat=True))
    meetings.attendance_set(actor=chair, meeting=meeting, present_member_ids=present)
    for seat in app.body.members.filter(active=True).select_related("user"):
        meetings.declaration_submit(
            actor=seat.user or chair,
            application=app,
            has_conflict=False,
            member=None if seat.user else seat,
        )
    meetings.voting_open(actor=chair, item=item)
    for username in VOTERS:
        meetings.vote_cast(actor=user[username], item=item, choice="approve")
    app.refresh_from_db()
    assert app.listed_activity is True
    return app, meeting


def test_listed_activity_goes_through_expert_re_review(users: Users, live_server: Any) -> None:
    from django.contrib.auth import get_user_model

    from tianping.web.reviews.models import Application, ExpertReview

    system = _register("财经短视频推荐 XH-Feed", LISTED_ANSWERS)
    assert system.latest_intake.expert_review_required
    app, meeting = _committee_approves_in_services(system)
    url = live_server.url
    app_url = f"{url}/reviews/applications/{app.pk}/"

    # The chair closes the vote: an approval is only a preliminary opinion.
    chair = users.login("chair")
    chair.goto(f"{url}/reviews/meetings/{meeting.pk}/")
    chair.get_by_role("button", name="Close the vote and count").click()
    _success(chair, "decision was reached")
    chair.goto(app_url)
    expect(chair.locator("#status")).to_have_attribute("data-status", "expert_review")
    expect(chair.locator("#expert-review-status")).to_contain_text("上海市科技伦理监管处")
    review = ExpertReview.objects.get(application=app)

    # The regulator finds it on the dashboard and names five demo experts.
    regulator = users.login("regulator_sh")
    regulator.goto(f"{url}/reviews/")
    regulator.locator("#dashboard-authority").get_by_role("link", name=app.reference).click()
    expect(regulator).to_have_url(app_url)
    regulator.get_by_role("link", name="Open the re-review (panel, conclusion)").click()
    review_url = f"{url}/reviews/expert/{review.pk}/"
    expect(regulator).to_have_url(review_url)
    for username, disciplines in EXPERTS.items():
        expert_user = get_user_model().objects.get(username=username)
        regulator.get_by_label("Expert with an account").select_option(str(expert_user.pk))
        for discipline in disciplines:
            regulator.locator(f'input[name="disciplines"][value="{discipline}"]').check()
        regulator.get_by_label("Affiliation").fill("高校与研究机构")
        regulator.get_by_role("button", name="Add to the panel").click()
        expect(regulator.locator("#panel tbody tr")).to_have_count(
            list(EXPERTS).index(username) + 1
        )
    # Forming now is refused with every failing check: nobody has declared yet.
    regulator.get_by_role("button", name="Form the panel").click()
    expect(regulator.locator("#panel-findings")).to_contain_text("cannot be formed")

    # The experts declare their interests, each in their own browser.
    experts: dict[str, Page] = {}
    for n, username in enumerate(EXPERTS):
        page = users.login(username)
        experts[username] = page
        if n == 0:  # by the notification, as they would
            page.goto(f"{url}/reviews/notifications/")
            page.locator("ul.notifications").get_by_role(
                "link", name=re.compile(app.reference)
            ).click()
        else:
            seat = review.panel.get(user__username=username)
            page.goto(f"{url}/reviews/expert/seats/{seat.pk}/")
        page.get_by_label("I declare that the list above is complete.").check()
        page.get_by_role("button", name="Record the declaration").click()
        _success(page, "Declaration recorded")
        expect(page.locator("main table").first).to_contain_text(
            re.compile(r"Interests declared\s*yes")
        )

    regulator.goto(review_url)
    regulator.get_by_role("button", name="Form the panel").click()
    expect(regulator.locator("#review-status")).to_have_text("Panel formed")

    for page in experts.values():
        page.reload()
        page.get_by_label("Agree", exact=True).check()
        page.get_by_role("button", name="Record my view").click()
        expect(page.locator("#my-view")).to_have_text("Agree")

    regulator.goto(review_url)
    expect(regulator.locator("main")).to_contain_text("So far 5 agree, 0 disagree")
    regulator.get_by_role("button", name="Conclude the re-review").click()
    expect(regulator.locator("#panel-opinion")).to_contain_text("Agree")
    expect(regulator.locator("#review-status")).to_have_text("Concluded")

    # The applicant sees the final decision, with the panel's opinion.
    applicant = users.login("applicant")
    applicant.goto(app_url)
    expect(applicant.locator("#status")).to_have_attribute("data-status", "decided")
    expect(applicant.locator("#status-card")).to_contain_text("Approve")
    expect(applicant.locator("#expert-opinion")).to_contain_text(
        "5 agree, 0 disagree, 0 absent of 5"
    )
    expect(applicant.locator("#follow-ups tbody tr")).to_have_count(1)
    app.refresh_from_db()
    assert (app.status, app.decision) == (Application.Status.DECIDED, "approve")
    assert app.events.filter(kind="expert_review_requested").exists()
