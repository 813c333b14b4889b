"""Demo reviews: a committee, a review centre with entrusting enterprises, finished reviews.

Everything goes through the services, so the demo's timeline, ledger entries
and notifications are those the platform itself writes:

- 星河 (xinghe) has an ethics committee of seven voting members and a consultant;
  its credit scorer is approved under the **general** procedure at a meeting, its
  fraud monitor under the **emergency** procedure (approval after modification),
  and its news feed (a listed activity) goes through **expert re-review** by the
  Shanghai regulator before the committee's final decision;
- 鹏城 (pengcheng) and 云语 (yunyu) entrust the Shanghai review centre in writing;
  the centre accepts pengcheng's visual inspection under the **general**
  procedure (exported, it is medium tier with no fast track, so the simplified
  procedure's ground of minimal risk does not hold) and puts it on the agenda of
  its next meeting, and yunyu's resume screener waits for the centre to accept it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tianping import review as lib
from tianping.web.accounts.models import Organisation
from tianping.web.accounts.selectors import display_name
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.bodies import services as bodies_services
from tianping.web.reviews.expert import services as expert_services
from tianping.web.reviews.meetings import services as meetings_services
from tianping.web.reviews.models import Application, Member, ReviewBody
from tianping.web.systems.models import AISystem

PLEDGES = ["confidentiality", "conflict_of_interest"]
TERM = {"term_start": "2024-01-01", "term_end": "2028-12-31"}
TRAINING = [{"course": "科技伦理审查能力培训（2025）", "completed_on": "2025-06-18"}]

COMMITTEE_ROSTER: list[dict[str, Any]] = [
    # username (None: no account), name, role, disciplines, gender, external, affiliation
    {
        "user": "chair",
        "name": "张伟",
        "role": "chair",
        "disciplines": ["ethics"],
        "gender": "male",
        "external": False,
    },
    {
        "user": "member_tech",
        "name": "马超",
        "role": "vice_chair",
        "disciplines": ["ai_technology", "domain"],
        "gender": "male",
        "external": False,
    },
    {
        "user": "member",
        "name": "刘洋",
        "role": "member",
        "disciplines": ["ai_technology"],
        "gender": "male",
        "external": False,
    },
    {
        "user": "member_domain",
        "name": "何静",
        "role": "member",
        "disciplines": ["domain"],
        "gender": "female",
        "external": False,
    },
    {
        "user": "member_law",
        "name": "林慧",
        "role": "member",
        "disciplines": ["law"],
        "gender": "female",
        "external": True,
        "affiliation": "华东政法大学",
    },
    {
        "user": "member_ethics",
        "name": "郭涛",
        "role": "member",
        "disciplines": ["ethics"],
        "gender": "male",
        "external": True,
        "affiliation": "复旦大学哲学学院",
    },
    {
        "user": "member_public",
        "name": "罗敏",
        "role": "member",
        "disciplines": ["other"],
        "gender": "female",
        "external": True,
        "affiliation": "浦东新区消费者权益保护委员会",
    },
    {
        "user": None,
        "name": "钱志远",
        "role": "consultant",
        "disciplines": ["law"],
        "gender": "male",
        "external": True,
        "affiliation": "上海市律师协会",
    },
]

CENTRE_ROSTER: list[dict[str, Any]] = [
    {
        "user": "centre_chair",
        "name": "高峰",
        "role": "chair",
        "disciplines": ["ethics"],
        "gender": "male",
        "external": False,
    },
    {
        "user": "centre_member",
        "name": "谢婷",
        "role": "member",
        "disciplines": ["ai_technology"],
        "gender": "female",
        "external": False,
    },
    {
        "user": None,
        "name": "沈洁",
        "role": "member",
        "disciplines": ["domain"],
        "gender": "female",
        "external": False,
    },
    {
        "user": None,
        "name": "韩冬",
        "role": "member",
        "disciplines": ["law"],
        "gender": "male",
        "external": True,
        "affiliation": "上海交通大学凯原法学院",
    },
    {
        "user": None,
        "name": "袁丽",
        "role": "member",
        "disciplines": ["ethics"],
        "gender": "female",
        "external": True,
        "affiliation": "上海社会科学院",
    },
    {
        "user": None,
        "name": "邓辉",
        "role": "member",
        "disciplines": ["domain"],
        "gender": "male",
        "external": False,
    },
    {
        "user": None,
        "name": "许诺",
        "role": "member",
        "disciplines": ["other"],
        "gender": "female",
        "external": True,
        "affiliation": "上海市消费者权益保护委员会",
    },
]

EXPERTS: list[dict[str, Any]] = [
    {"user": "expert", "disciplines": ["ai_technology"], "affiliation": "上海人工智能实验室"},
    {"user": "expert_domain", "disciplines": ["domain"], "affiliation": "中国人民大学新闻学院"},
    {"user": "expert_ethics", "disciplines": ["ethics"], "affiliation": "北京大学哲学系"},
    {"user": "expert_law", "disciplines": ["law"], "affiliation": "中国政法大学"},
    {"user": "expert_public", "disciplines": ["other"], "affiliation": "中国科学技术协会"},
]


def _upload(item: str, title: str) -> SimpleUploadedFile:
    """A demo file named after its requirement item, in Chinese like the rest of the demo."""
    text = f"{title}\n\n材料类型：{item}\n（演示材料）\n"
    return SimpleUploadedFile(f"{item}.txt", text.encode("utf-8"), content_type="text/plain")


def _roster(
    actor: User,
    body: ReviewBody,
    roster: list[dict[str, Any]],
    users: dict[str, User],
) -> dict[str, Member]:
    out: dict[str, Member] = {}
    default_affiliation = (body.organisation.parent or body.organisation).name
    if body.is_review_centre:
        default_affiliation = body.organisation.name
    for spec in roster:
        fields: dict[str, Any] = {
            "name": spec["name"],
            "role": spec["role"],
            "disciplines": spec["disciplines"],
            "gender": spec["gender"],
            "external": spec["external"],
            "affiliation": spec.get("affiliation", default_affiliation),
            "pledges": PLEDGES,
            "training": TRAINING,
            **TERM,
        }
        if spec["user"]:
            fields["user"] = users[spec["user"]]
        out[spec["user"] or spec["name"]] = bodies_services.member_add(
            actor=actor, body=body, **fields
        )
    return out


def _complete_application(
    applicant: User, system: AISystem, title: str, *, summary: str
) -> Application:
    system.refresh_from_db()
    app = applications_services.application_create(
        actor=applicant,
        system=system,
        title=title,
        summary=summary,
        team=[display_name(applicant)],
        parties=[],
    )
    app = applications_services.self_assessment_update(
        actor=applicant,
        application=app,
        expected_version=app.version,
        risks="对个人权益的影响、算法歧视、数据泄露。",
        controls="人工复核、分群偏差监测、数据最小化与脱敏、应急停机预案。",
        residual_risk="low",
    )
    rules = lib.load_rules(app.body.rule_set)
    for item in rules.bundle():
        if item.id == "risk_self_assessment":
            continue
        app.refresh_from_db()
        if item.waivable:
            applications_services.attachment_waive(
                actor=applicant,
                application=app,
                kind=item.id,
                reason="系统运行不招募研究参与者；数据经去标识化处理。",
            )
        else:
            applications_services.attachment_add(
                actor=applicant,
                application=app,
                kind=item.id,
                upload=_upload(item.label.get("zh-Hans"), title),
            )
    app.refresh_from_db()
    return applications_services.application_submit(
        actor=applicant, application=app, expected_version=app.version
    )


def _accept(
    chair: User, app: Application, procedure: str, ground: str | None = None
) -> Application:
    app.refresh_from_db()
    return applications_services.application_accept(
        actor=chair,
        application=app,
        procedure=procedure,
        ground=ground,
        expected_version=app.version,
    )


def _meeting_decision(
    chair: User,
    body: ReviewBody,
    app: Application,
    members: dict[str, Member],
    users: dict[str, User],
    votes: dict[str, str],
    *,
    when: Any,
    required_changes: list[str] | None = None,
    reasons: list[str] | None = None,
) -> Application:
    meeting = meetings_services.meeting_create(
        actor=chair,
        body=body,
        scheduled_for=when,
        location="星河大厦 12 层会议室",
        consultants=[],
    )
    item = meetings_services.agenda_add(actor=chair, meeting=meeting, application=app)
    present = [m.pk for m in members.values()]
    meetings_services.attendance_set(actor=chair, meeting=meeting, present_member_ids=present)
    # Every member present declares before the vote; the chair records the
    # declaration of a member without an account.
    app.refresh_from_db()
    for member in members.values():
        meetings_services.declaration_submit(
            actor=member.user or chair,
            application=app,
            has_conflict=False,
            member=None if member.user else member,
        )
    item = meetings_services.voting_open(actor=chair, item=item)
    for username, choice in votes.items():
        meetings_services.vote_cast(actor=users[username], item=item, choice=choice)
    app.refresh_from_db()
    meetings_services.voting_close(
        actor=chair,
        item=item,
        required_changes=required_changes or [],
        reasons=reasons or [],
        expected_version=app.version,
    )
    meetings_services.meeting_close(
        actor=chair, meeting=meeting, minutes="会议纪要见附件（演示）。"
    )
    app.refresh_from_db()
    return app


def seed_reviews(
    orgs: dict[str, Organisation], users: dict[str, User], systems: dict[str, AISystem]
) -> None:
    """Create the review bodies and the demo reviews (call once, on a fresh demo database)."""
    admin = users["__admin__"]
    today = timezone.localdate()

    committee = bodies_services.body_create(
        actor=admin,
        organisation=orgs["xinghe_committee"],
        established_on=date(2024, 1, 8),
        registered_on=date(2024, 1, 12),
    )
    bodies_services.annual_report_record(
        actor=admin,
        body=committee,
        year=today.year - 1,
        filed_on=date(today.year, 3, 20)
        if date(today.year, 3, 20) <= today
        else date(today.year - 1, 3, 20),
    )
    committee_members = _roster(admin, committee, COMMITTEE_ROSTER, users)
    centre = bodies_services.body_create(
        actor=admin,
        organisation=orgs["centre"],
        established_on=date(2024, 3, 1),
        registered_on=date(2024, 3, 5),
    )
    _roster(admin, centre, CENTRE_ROSTER, users)
    for key, user in (("pengcheng", "maker"), ("yunyu", "yunyu")):
        bodies_services.entrustment_create(
            actor=users[user],
            organisation=orgs[key],
            centre=centre,
            agreement_reference=f"沪伦审委托〔2026〕{1 if key == 'pengcheng' else 2}号",
            signed_on=date(2026, 1, 6),
        )

    chair, centre_chair = users["chair"], users["centre_chair"]
    voting = [u for u in committee_members if u and u in users]

    # 1. General procedure: a meeting approves the credit scorer.
    credit = _complete_application(
        users["applicant"],
        systems["智能信贷评分 XH-Credit"],
        "智能信贷评分模型上线伦理审查",
        summary="个人消费信贷审批中的自动化评分，人工复核拒贷决定。",
    )
    _accept(chair, credit, "general")
    _meeting_decision(
        chair,
        committee,
        credit,
        committee_members,
        users,
        {u: ("approve" if u != "member_public" else "approve_after_modification") for u in voting},
        when=timezone.now() - timedelta(days=2),
    )

    # 2. Emergency procedure: approval after modification within hours.
    fraud = _complete_application(
        users["applicant"],
        systems["反欺诈交易监测"],
        "反欺诈模型紧急升级伦理审查",
        summary="针对新型电信诈骗的模型紧急升级，需在 72 小时内上线。",
    )
    _accept(chair, fraud, "emergency")
    changes = ["上线后 30 日内提交误报率分群监测报告", "冻结交易须在 2 小时内人工复核"]
    _meeting_decision(
        chair,
        committee,
        fraud,
        committee_members,
        users,
        {u: "approve_after_modification" for u in voting},
        when=timezone.now() - timedelta(hours=20),
        required_changes=changes,
    )

    # 3. Expert re-review: the news feed is a listed activity.
    feed = _complete_application(
        users["applicant"],
        systems["财富资讯个性化推荐"],
        "财富资讯个性化推荐伦理审查",
        summary="面向公众的资讯推荐，具有舆论社会动员能力（清单所列活动）。",
    )
    _accept(chair, feed, "general")
    _meeting_decision(
        chair,
        committee,
        feed,
        committee_members,
        users,
        {u: "approve" for u in voting},
        when=timezone.now() - timedelta(days=1),
    )
    feed.refresh_from_db()
    review = feed.expert_review
    regulator = users["regulator_sh"]
    seats = [
        expert_services.panel_add(
            actor=regulator,
            review=review,
            user=users[spec["user"]],
            name=display_name(users[spec["user"]]),
            disciplines=spec["disciplines"],
            affiliation=spec["affiliation"],
        )
        for spec in EXPERTS
    ]
    for seat in seats:
        assert seat.user is not None
        expert_services.interests_declare(actor=seat.user, seat=seat, interests=[])
    review.refresh_from_db()
    expert_services.panel_form(actor=regulator, review=review)
    for seat in seats:
        seat.refresh_from_db()
        assert seat.user is not None
        expert_services.expert_vote(
            actor=seat.user, seat=seat, view="agree", comment="同意委员会初审意见。"
        )
    review.refresh_from_db()
    expert_services.panel_conclude(actor=regulator, review=review)
    review.refresh_from_db()
    expert_services.list_update_propose(
        actor=regulator,
        review=review,
        proposal="建议在清单说明中明确：金融资讯推荐的舆论动员能力以日活用户规模为判断要素。",
    )

    # 4. General procedure at the review centre, for an entrusting enterprise. The visual
    # inspection is supplied abroad: the export floor makes it medium tier with no fast
    # track, so it is not of minimal risk and the centre reviews it at a meeting.
    inspection = _complete_application(
        users["maker"],
        systems["PCB 视觉质检"],
        "PCB 视觉质检系统伦理审查",
        summary="产线缺陷检测，不处理个人信息；产品出口欧盟，须取得人工智能出口伦理合规证书，"
        "中风险，按一般程序会议审查。",
    )
    _accept(centre_chair, inspection, "general")
    next_meeting = meetings_services.meeting_create(
        actor=centre_chair,
        body=centre,
        scheduled_for=timezone.now() + timedelta(days=5),
        location="长三角人工智能伦理审查与服务中心会议室",
        consultants=[],
    )
    inspection.refresh_from_db()
    meetings_services.agenda_add(actor=centre_chair, meeting=next_meeting, application=inspection)

    # 5. Waiting for the centre: yunyu's resume screener, submitted.
    _complete_application(
        users["yunyu"],
        systems["简历智能初筛"],
        "简历智能初筛伦理审查",
        summary="招聘初筛中的大模型辅助，人工终审。",
    )
