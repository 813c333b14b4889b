"""Demo data for ``make demo``: a small but complete three-tier network.

A central regulator, two provinces with cities, a review centre, a
certification body, three enterprises and a university, one user per role,
and AI systems across sectors with their intakes. Seeding is idempotent.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from tianping.web.accounts.models import Organisation, OrganisationKind, Role
from tianping.web.accounts.services import membership_grant, organisation_create
from tianping.web.cases.demo import seed_cases
from tianping.web.certification.demo import seed_certification
from tianping.web.index.demo import seed_index
from tianping.web.network.demo import seed_network
from tianping.web.probes.demo import seed_probes
from tianping.web.systems.models import AISystem
from tianping.web.systems.services import intake_submit, system_register
from tianping.web.transparency.demo import seed_transparency
from tianping.web.vendors.demo import seed_vendors

K = OrganisationKind
ORGANISATIONS: list[dict[str, Any]] = [
    {
        "key": "central",
        "name": "国家人工智能伦理治理办公室",
        "name_en": "National AI Ethics Governance Office",
        "kind": K.CENTRAL_REGULATOR,
        "parent": None,
        "region": "100000",
    },
    {
        "key": "sh",
        "name": "上海市科技伦理监管处",
        "name_en": "Shanghai S&T Ethics Supervision Division",
        "kind": K.PROVINCIAL_REGULATOR,
        "parent": "central",
        "region": "310000",
    },
    {
        "key": "sh_pd",
        "name": "浦东新区科技伦理监管科",
        "name_en": "Pudong New Area S&T Ethics Section",
        "kind": K.MUNICIPAL_REGULATOR,
        "parent": "sh",
        "region": "310115",
    },
    {
        "key": "gd",
        "name": "广东省科技伦理监管处",
        "name_en": "Guangdong S&T Ethics Supervision Division",
        "kind": K.PROVINCIAL_REGULATOR,
        "parent": "central",
        "region": "440000",
    },
    {
        "key": "gd_sz",
        "name": "深圳市科技伦理监管科",
        "name_en": "Shenzhen S&T Ethics Section",
        "kind": K.MUNICIPAL_REGULATOR,
        "parent": "gd",
        "region": "440300",
    },
    {
        "key": "gd_gz",
        "name": "广州市科技伦理监管科",
        "name_en": "Guangzhou S&T Ethics Section",
        "kind": K.MUNICIPAL_REGULATOR,
        "parent": "gd",
        "region": "440100",
    },
    {
        "key": "centre",
        "name": "长三角人工智能伦理审查与服务中心",
        "name_en": "Yangtze Delta AI Ethics Review and Service Centre",
        "kind": K.REVIEW_CENTRE,
        "parent": "sh",
        "region": "310000",
    },
    {
        "key": "certbody",
        "name": "华信人工智能伦理认证中心",
        "name_en": "Huaxin AI Ethics Certification Centre",
        "kind": K.CERTIFICATION_BODY,
        "parent": "central",
        "region": "110000",
    },
    {
        "key": "institute",
        "name": "国家人工智能伦理研究院",
        "name_en": "National AI Ethics Research Institute",
        "kind": K.INSTITUTE,
        "parent": "central",
        "region": "110000",
    },
    {
        "key": "association",
        "name": "中国人工智能产业协会",
        "name_en": "China AI Industry Association",
        "kind": K.INDUSTRY_ASSOCIATION,
        "parent": "central",
        "region": "110000",
    },
    {
        "key": "xinghe",
        "name": "星河金融科技有限公司",
        "name_en": "Xinghe Fintech Co., Ltd.",
        "kind": K.ENTERPRISE,
        "parent": "sh_pd",
        "region": "310115",
    },
    {
        "key": "xinghe_committee",
        "name": "星河金融科技科技伦理委员会",
        "name_en": "Xinghe Fintech S&T Ethics Committee",
        "kind": K.ETHICS_COMMITTEE,
        "parent": "xinghe",
        "region": "310115",
    },
    {
        "key": "pengcheng",
        "name": "鹏城智造科技有限公司",
        "name_en": "Pengcheng Smart Manufacturing Co., Ltd.",
        "kind": K.ENTERPRISE,
        "parent": "gd_sz",
        "region": "440300",
    },
    {
        "key": "yunyu",
        "name": "云语智能科技有限公司",
        "name_en": "Yunyu Intelligence Co., Ltd.",
        "kind": K.ENTERPRISE,
        "parent": "gd_gz",
        "region": "440100",
    },
    {
        "key": "donghai",
        "name": "东海大学",
        "name_en": "Donghai University",
        "kind": K.UNIVERSITY,
        "parent": "sh_pd",
        "region": "310115",
    },
    {
        "key": "donghai_committee",
        "name": "东海大学科技伦理委员会",
        "name_en": "Donghai University S&T Ethics Committee",
        "kind": K.ETHICS_COMMITTEE,
        "parent": "donghai",
        "region": "310115",
    },
]

USERS: list[dict[str, str]] = [
    {"username": "applicant", "name": "李明", "org": "xinghe", "role": Role.APPLICANT},
    {"username": "orgadmin", "name": "王芳", "org": "xinghe", "role": Role.ADMIN},
    {"username": "chair", "name": "张伟", "org": "xinghe_committee", "role": Role.CHAIR},
    {
        "username": "member",
        "name": "刘洋",
        "org": "xinghe_committee",
        "role": Role.COMMITTEE_MEMBER,
    },
    {
        "username": "member_tech",
        "name": "马超",
        "org": "xinghe_committee",
        "role": Role.COMMITTEE_MEMBER,
    },
    {
        "username": "member_domain",
        "name": "何静",
        "org": "xinghe_committee",
        "role": Role.COMMITTEE_MEMBER,
    },
    {
        "username": "member_law",
        "name": "林慧",
        "org": "xinghe_committee",
        "role": Role.COMMITTEE_MEMBER,
    },
    {
        "username": "member_ethics",
        "name": "郭涛",
        "org": "xinghe_committee",
        "role": Role.COMMITTEE_MEMBER,
    },
    {
        "username": "member_public",
        "name": "罗敏",
        "org": "xinghe_committee",
        "role": Role.COMMITTEE_MEMBER,
    },
    {"username": "centre_chair", "name": "高峰", "org": "centre", "role": Role.CHAIR},
    {"username": "centre_member", "name": "谢婷", "org": "centre", "role": Role.COMMITTEE_MEMBER},
    {"username": "maker", "name": "陈静", "org": "pengcheng", "role": Role.APPLICANT},
    {"username": "yunyu", "name": "赵磊", "org": "yunyu", "role": Role.APPLICANT},
    {"username": "researcher", "name": "孙丽", "org": "donghai", "role": Role.APPLICANT},
    {"username": "expert", "name": "周强", "org": "centre", "role": Role.EXPERT},
    {"username": "expert_domain", "name": "杜明", "org": "central", "role": Role.EXPERT},
    {"username": "expert_ethics", "name": "孙哲", "org": "central", "role": Role.EXPERT},
    {"username": "expert_law", "name": "钱律", "org": "central", "role": Role.EXPERT},
    {"username": "expert_public", "name": "韩雪", "org": "central", "role": Role.EXPERT},
    {
        "username": "certifier",
        "name": "吴敏",
        "org": "certbody",
        "role": Role.CERTIFICATION_OFFICER,
    },
    {
        "username": "evaluator_ri",
        "name": "许宁",
        "org": "institute",
        "role": Role.CERTIFICATION_OFFICER,
    },
    {
        "username": "evaluator_ia",
        "name": "唐悦",
        "org": "association",
        "role": Role.CERTIFICATION_OFFICER,
    },
    {"username": "regulator_sh", "name": "郑华", "org": "sh", "role": Role.REGULATOR},
    {"username": "regulator_pd", "name": "钟宁", "org": "sh_pd", "role": Role.REGULATOR},
    {"username": "regulator_central", "name": "冯涛", "org": "central", "role": Role.REGULATOR},
]

SYSTEMS: list[dict[str, Any]] = [
    {
        "org": "xinghe",
        "user": "applicant",
        "fields": {
            "name": "智能信贷评分 XH-Credit",
            "purpose": "为个人消费贷款申请给出违约风险评分并建议授信额度。",
            "owner": "风险管理部",
            "sector": "finance",
            "lifecycle_stage": "operate",
            "model_version": "3.2.0",
            "deployment_context": "手机银行 App 线上贷款申请，评分低于阈值时转人工复核。",
            "components": [
                {"name": "XGBoost", "vendor": "开源"},
                {"name": "征信数据接口", "vendor": "百行征信"},
            ],
            "datasets": [{"name": "2019–2025 贷款申请与还款记录", "source": "自有业务数据"}],
            "people_affected": "每年约 120 万名贷款申请人",
            "markets": ["domestic"],
        },
        "answers": {
            "personal_info": True,
            "sensitive_pi": True,
            "minors": False,
            "affects_rights": True,
            "automated_decisions": ["credit"],
            "public_facing": True,
            "generative": False,
            "third_party_components": True,
            "exported": False,
            "listed_activities": ["none"],
            "scale": "gt_1m",
            "mitigations": ["human_review", "appeal_path", "monitoring"],
        },
    },
    {
        "org": "xinghe",
        "user": "applicant",
        "fields": {
            "name": "反欺诈交易监测",
            "purpose": "实时识别可疑交易并暂停支付，等待人工核实。",
            "owner": "安全运营中心",
            "sector": "finance",
            "lifecycle_stage": "operate",
            "model_version": "2025.11",
            "people_affected": "全部支付用户",
            "markets": ["domestic"],
        },
        "answers": {
            "personal_info": True,
            "sensitive_pi": True,
            "minors": False,
            "affects_rights": True,
            "automated_decisions": ["safety"],
            "public_facing": False,
            "generative": False,
            "third_party_components": False,
            "exported": False,
            "listed_activities": ["none"],
            "scale": "gt_1m",
            "mitigations": ["human_review", "monitoring"],
        },
    },
    {
        "org": "yunyu",
        "user": "yunyu",
        "fields": {
            "name": "简历智能初筛",
            "purpose": "按岗位要求对简历打分排序，推荐进入面试的候选人。",
            "owner": "人力资源共享中心",
            "sector": "employment",
            "lifecycle_stage": "test",
            "model_version": "0.9",
            "components": [{"name": "Qwen2.5-7B-Instruct", "vendor": "阿里云"}],
            "people_affected": "每年约 30 万名求职者",
            "markets": ["domestic"],
        },
        "answers": {
            "personal_info": True,
            "sensitive_pi": False,
            "minors": False,
            "affects_rights": True,
            "automated_decisions": ["hiring"],
            "public_facing": False,
            "generative": True,
            "third_party_components": True,
            "exported": False,
            "listed_activities": ["none"],
            "scale": "10k_1m",
            "mitigations": ["human_review"],
        },
    },
    {
        "org": "yunyu",
        "user": "yunyu",
        "fields": {
            "name": "多语种智能客服 YunChat",
            "purpose": "为海外电商客户提供多语种售前售后问答。",
            "owner": "国际业务部",
            "sector": "customer_service",
            "lifecycle_stage": "launch",
            "model_version": "1.4",
            "components": [
                {"name": "YunChat LLM", "vendor": "云语智能"},
                {"name": "向量检索", "vendor": "Milvus"},
            ],
            "people_affected": "东南亚和中东地区的终端消费者",
            "markets": ["domestic", "asean", "middle_east"],
            "export_destinations": ["新加坡", "马来西亚", "阿联酋"],
        },
        "answers": {
            "personal_info": True,
            "sensitive_pi": False,
            "minors": False,
            "affects_rights": False,
            "automated_decisions": ["none"],
            "public_facing": True,
            "generative": True,
            "third_party_components": True,
            "exported": True,
            "export_markets": ["asean", "middle_east"],
            "listed_activities": ["none"],
            "scale": "gt_1m",
            "mitigations": ["human_review", "monitoring", "opt_out"],
        },
    },
    {
        "org": "yunyu",
        "user": "yunyu",
        "fields": {
            "name": "资讯推荐信息流",
            "purpose": "根据用户兴趣向新闻客户端用户推荐资讯与短视频。",
            "owner": "内容产品部",
            "sector": "media",
            "lifecycle_stage": "operate",
            "model_version": "5.1",
            "people_affected": "约 800 万月活用户",
            "markets": ["domestic"],
        },
        "answers": {
            "personal_info": True,
            "sensitive_pi": False,
            "minors": True,
            "affects_rights": False,
            "automated_decisions": ["recommendation", "content_review"],
            "public_facing": True,
            "generative": False,
            "third_party_components": False,
            "exported": False,
            "listed_activities": ["public_opinion_mobilisation"],
            "scale": "gt_1m",
            "mitigations": ["opt_out", "monitoring"],
        },
    },
    {
        "org": "xinghe",
        "user": "applicant",
        "fields": {
            "name": "财富资讯个性化推荐",
            "purpose": "在理财 App 首页向用户个性化推荐财经资讯与市场观点。",
            "owner": "财富管理事业部",
            "sector": "media",
            "lifecycle_stage": "test",
            "model_version": "1.2",
            "people_affected": "约 300 万月活用户",
            "markets": ["domestic"],
        },
        "answers": {
            "personal_info": True,
            "sensitive_pi": False,
            "minors": False,
            "affects_rights": False,
            "automated_decisions": ["recommendation"],
            "public_facing": True,
            "generative": False,
            "third_party_components": False,
            "exported": False,
            "listed_activities": ["public_opinion_mobilisation"],
            "scale": "gt_1m",
            "mitigations": ["opt_out", "monitoring"],
        },
    },
    {
        "org": "pengcheng",
        "user": "maker",
        "fields": {
            "name": "PCB 视觉质检",
            "purpose": "产线上自动识别电路板焊点缺陷。",
            "owner": "智能制造事业部",
            "sector": "manufacturing",
            "lifecycle_stage": "operate",
            "model_version": "YOLO-PC 4",
            "people_affected": "不涉及自然人",
            "markets": ["domestic", "eu"],
            "export_destinations": ["德国", "匈牙利"],
        },
        "answers": {
            "personal_info": False,
            "affects_rights": False,
            "automated_decisions": ["none"],
            "public_facing": False,
            "generative": False,
            "third_party_components": True,
            "exported": True,
            "export_markets": ["eu"],
            "listed_activities": ["none"],
            "scale": "lt_10k",
            "mitigations": ["human_review", "monitoring"],
        },
    },
    {
        "org": "pengcheng",
        "user": "maker",
        "fields": {
            "name": "AGV 自主调度",
            "purpose": "在工厂内自主规划搬运机器人路径并避障。",
            "owner": "物流自动化组",
            "sector": "manufacturing",
            "lifecycle_stage": "build",
            "model_version": "0.3",
            "people_affected": "车间工人约 600 人",
            "markets": ["domestic"],
        },
        "answers": {
            "personal_info": False,
            "affects_rights": False,
            "automated_decisions": ["safety"],
            "public_facing": False,
            "generative": False,
            "third_party_components": False,
            "exported": False,
            "listed_activities": ["autonomous_decision_safety"],
            "scale": "lt_10k",
            "mitigations": ["monitoring"],
        },
    },
    {
        "org": "donghai",
        "user": "researcher",
        "fields": {
            "name": "急诊智能分诊辅助",
            "purpose": "根据主诉与生命体征给出分诊等级建议，供护士参考。",
            "owner": "东海大学附属医院急诊科",
            "sector": "healthcare",
            "lifecycle_stage": "test",
            "model_version": "研究版 2",
            "datasets": [{"name": "2018–2024 急诊就诊记录（去标识化）", "source": "附属医院"}],
            "people_affected": "急诊患者，每年约 9 万人次",
            "markets": ["domestic"],
        },
        "answers": {
            "personal_info": True,
            "sensitive_pi": True,
            "minors": True,
            "affects_rights": True,
            "automated_decisions": ["safety"],
            "public_facing": False,
            "generative": False,
            "third_party_components": False,
            "exported": False,
            "listed_activities": ["none"],
            "scale": "10k_1m",
            "mitigations": ["human_review", "monitoring"],
        },
    },
    {
        "org": "donghai",
        "user": "researcher",
        "fields": {
            "name": "校园文献检索助手",
            "purpose": "帮助师生检索图书馆馆藏与论文。",
            "owner": "图书馆信息部",
            "sector": "education",
            "lifecycle_stage": "operate",
            "model_version": "1.0",
            "people_affected": "校内师生",
            "markets": ["domestic"],
        },
        "answers": {
            "personal_info": False,
            "affects_rights": False,
            "automated_decisions": ["none"],
            "public_facing": False,
            "generative": True,
            "third_party_components": True,
            "exported": False,
            "listed_activities": ["none"],
            "scale": "lt_10k",
            "mitigations": ["monitoring", "opt_out"],
        },
    },
]


def _credentials_file() -> Path:
    return Path(settings.HOME) / "demo_credentials.txt"


def _demo_password() -> str:
    if password := os.environ.get("TIANPING_DEMO_PASSWORD"):
        return password
    path = _credentials_file()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("password: "):
                return line.removeprefix("password: ").strip()
    return "tp-" + secrets.token_urlsafe(9)


def _write_credentials(password: str) -> Path:
    path = _credentials_file()
    lines = (
        [f"password: {password}"]
        + [f"{u['username']}: {u['role']} @ {u['org']}" for u in USERS]
        + ["admin: superuser"]
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def demo_reset() -> None:
    """Remove the embedded demo database (SQLite only)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        raise SystemExit("--reset only removes the embedded SQLite database.")
    for suffix in ("", "-wal", "-shm"):
        Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)


@transaction.atomic
def demo_seed() -> dict[str, Any]:
    """Create the demo network once; return the accounts and their password."""
    password = _demo_password()
    user_model = get_user_model()
    orgs: dict[str, Organisation] = {}
    seeded = Organisation.objects.filter(name=ORGANISATIONS[0]["name"]).exists()
    if not seeded:
        for spec in ORGANISATIONS:
            orgs[spec["key"]] = organisation_create(
                name=spec["name"],
                name_en=spec["name_en"],
                kind=spec["kind"],
                parent=orgs.get(spec["parent"]) if spec["parent"] else None,
                region_code=spec["region"],
            )
        users = {}
        for spec in USERS:
            family, given = spec["name"][0], spec["name"][1:]
            user = user_model.objects.create_user(
                username=spec["username"],
                password=password,
                first_name=given,
                last_name=family,
                email=f"{spec['username']}@demo.tianping.invalid",
            )
            membership_grant(user=user, organisation=orgs[spec["org"]], role=spec["role"])
            users[spec["username"]] = user
        users["__admin__"] = user_model.objects.create_superuser(
            username="admin", password=password, email="admin@demo.tianping.invalid"
        )
        systems = {}
        for spec in SYSTEMS:
            system = system_register(
                actor=users[spec["user"]], organisation=orgs[spec["org"]], **spec["fields"]
            )
            intake_submit(actor=users[spec["user"]], system=system, answers=spec["answers"])
            systems[system.name] = system
        from tianping.web.core.notifications import mail_suppressed
        from tianping.web.reviews.demo import seed_reviews

        with mail_suppressed():
            seed_reviews(orgs, users, systems)
            seed_certification(orgs, users, systems)
            seed_cases(orgs, users, systems)
            seed_network(orgs, users, systems)
            seed_vendors(orgs, users, systems)
            seed_probes(users, systems)
            seed_index(systems)
            seed_transparency(systems)
    path = _write_credentials(password)
    by_key = {spec["key"]: spec["name"] for spec in ORGANISATIONS}
    accounts = [
        {"username": u["username"], "role": str(u["role"]), "organisation": by_key[u["org"]]}
        for u in USERS
    ] + [{"username": "admin", "role": "superuser", "organisation": "—"}]
    return {
        "accounts": accounts,
        "password": password,
        "credentials_file": str(path),
        "systems": AISystem.objects.count(),
    }
