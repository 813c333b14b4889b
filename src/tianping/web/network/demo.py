"""The demo's risk network: a report filed upward, a warning sent down, the high-risk list
changed by an approved proposal with a second one waiting, and a city's pilot summary.

- 星河 (xinghe) files a risk report about its credit scorer; it routes to Pudong's
  section, the lowest regulator over it;
- Shanghai's regulator warns its subtree; the warning waits for acknowledgements;
- after the expert re-review of xinghe's news feed, Shanghai proposes to change the
  description of the listed activity ``public_opinion_mobilisation``, and the centre
  approves it: the list gets a new version, while the intakes and reviews seeded
  before keep the version they used;
- Pudong proposes to add an activity from a pattern of cases; the proposal waits
  for the centre;
- Pudong's regulator submits its pilot summary report to Shanghai, which lists it on
  its monitoring page.

Everything goes through the services, so timelines, ledger entries and notifications
are those the platform itself writes.
"""

from __future__ import annotations

from typing import Any

from tianping.web.catalogue.models import ListedActivity
from tianping.web.network.listing import proposal_decide, proposal_file
from tianping.web.network.pilot import summary_submit
from tianping.web.network.services import report_create, warning_issue
from tianping.web.reviews.models import Application

CHANGED = "public_opinion_mobilisation"
"""The listed activity whose description the approved proposal changes."""


def seed_network(orgs: dict[str, Any], users: dict[str, Any], systems: dict[str, Any]) -> None:
    report_create(
        actor=users["applicant"],
        organisation=orgs["xinghe"],
        system=systems.get("智能信贷评分 XH-Credit"),
        kind="complaint",
        category="discrimination",
        severity="medium",
        title="多名外地户籍申请人反映评分明显偏低",
        description=(
            "客服本月收到 12 起投诉，均为外地户籍申请人，称收入相近而评分明显低于本地申请人。"
        ),
        actions_taken="已暂停使用户籍相关特征，正在按人群复核评分分布。",
        affected_people=12,
        visibility="jurisdiction",
    )
    warning_issue(
        actor=users["regulator_sh"],
        issuer=orgs["sh"],
        title="信贷评分模型的地域歧视风险",
        body="辖区内已收到关于信贷评分按户籍区别对待的报告。请自查评分特征与人群差异，7 日内确认。",
        category="discrimination",
        severity="high",
        sector="finance",
    )
    feed = Application.objects.filter(expert_review__isnull=False).order_by("pk").first()
    if ListedActivity.objects.filter(code=CHANGED, active=True).exists():
        changed = proposal_file(
            actor=users["regulator_sh"],
            proposer=orgs["sh"],
            change="change",
            activity_code=CHANGED,
            source="expert_review",
            application=feed,
            reason="专家复核表明，个性化资讯推荐同样可能产生舆论动员效果，应在说明中明确。",
            texts={
                "description_zh": (
                    "具有舆论社会动员能力和社会意识引导能力的算法模型、应用程序及系统的研发，"
                    "包括大规模个性化资讯推荐。"
                ),
                "description_en": (
                    "Research and development of algorithmic models, applications and systems "
                    "able to mobilise public opinion or guide social awareness, including "
                    "personalised news recommendation at scale."
                ),
            },
        )
        proposal_decide(
            actor=users["regulator_central"],
            proposal=changed,
            approve=True,
            reason="与专家复核结论一致，予以采纳。",
        )
    proposal_file(
        actor=users["regulator_pd"],
        proposer=orgs["sh_pd"],
        change="add",
        activity_code="emotional_companion_minors",
        source="case_pattern",
        reason="案例库中多起情感陪伴类产品导致未成年人情感依赖的案例。",
        texts={"name_zh": "面向未成年人的情感陪伴", "name_en": "Emotional companions for minors"},
    )
    summary_submit(actor=users["regulator_pd"], region=orgs["sh_pd"])
