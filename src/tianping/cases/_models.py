"""The case record, its controlled vocabularies and the package's error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tianping.errors import LocalizedError
from tianping.text import LocalizedText


class CaseError(LocalizedError, ValueError):
    """A case file, an AIID snapshot or a query that cannot be used, with the reason."""


def _vocabulary(**labels: tuple[str, str]) -> dict[str, LocalizedText]:
    return {code: LocalizedText(zh=zh, en=en) for code, (zh, en) in labels.items()}


RISK_CATEGORIES = _vocabulary(
    discrimination=("歧视与偏见", "discrimination and bias"),
    emotional_dependence=("情感依赖", "emotional dependence"),
    privacy_leak=("隐私泄露", "privacy leak"),
    loss_of_control=("失控", "loss of control"),
    misinformation=("虚假信息", "misinformation"),
    fraud_impersonation=("深度伪造诈骗与冒充", "deepfake fraud and impersonation"),
    harmful_content=("有害内容", "harmful content"),
    unsafe_advice=("不安全建议", "unsafe advice"),
    wrongful_decision=("错误的自动化决定", "wrongful automated decision"),
)
"""What kind of ethics risk a case shows."""

SEVERITIES = _vocabulary(
    low=("低", "low"),
    medium=("中", "medium"),
    high=("高", "high"),
    critical=("严重", "critical"),
)
"""How grave the harm was, in increasing order (``critical``: a death or harm to many)."""

SECTORS = _vocabulary(
    employment=("就业与人力资源", "employment and HR"),
    finance=("金融", "finance"),
    insurance=("保险", "insurance"),
    justice=("司法", "justice"),
    policing=("警务", "policing"),
    healthcare=("医疗健康", "healthcare"),
    education=("教育", "education"),
    transport=("交通出行", "transport"),
    social_media=("社交媒体", "social media"),
    consumer_services=("消费者服务", "consumer services"),
    public_services=("公共服务", "public services"),
    retail=("零售", "retail"),
    media=("新闻媒体", "news and media"),
    legal_services=("法律服务", "legal services"),
    security=("安全与身份认证", "security and identity"),
    manufacturing=("制造业", "manufacturing"),
    research=("科研", "research"),
    culture=("文化", "culture"),
)
"""Where the system was used."""

SYSTEM_TYPES = _vocabulary(
    scoring_model=("评分与预测模型", "scoring or prediction model"),
    recommender=("推荐算法", "recommender"),
    chatbot=("聊天机器人", "chatbot"),
    generative_model=("生成式模型", "generative model"),
    facial_recognition=("人脸识别", "facial recognition"),
    image_recognition=("图像识别", "image recognition"),
    autonomous_vehicle=("自动驾驶汽车", "autonomous vehicle"),
    driver_assistance=("辅助驾驶", "driver assistance"),
    robot=("机器人", "robot"),
    machine_translation=("机器翻译", "machine translation"),
    deepfake_tool=("深度伪造工具", "deepfake tool"),
    behaviour_analytics=("行为分析", "behaviour analytics"),
)
"""What kind of AI system was involved."""

HARMS = _vocabulary(
    discrimination=("歧视", "discrimination"),
    financial_loss=("经济损失", "financial loss"),
    physical_injury=("人身伤害", "physical injury"),
    death=("死亡", "death"),
    privacy_violation=("侵犯隐私", "privacy violation"),
    psychological_harm=("心理伤害", "psychological harm"),
    reputational_harm=("名誉损害", "reputational harm"),
    wrongful_accusation=("错误指控", "wrongful accusation"),
    deception=("欺骗误导", "deception"),
    sexual_exploitation=("性剥削", "sexual exploitation"),
    service_denial=("服务被拒", "denial of service or benefit"),
    security_breach=("安全漏洞", "security breach"),
    public_disorder=("扰乱公共秩序", "public disorder"),
)
"""What harm was done or nearly done."""

AFFECTED_GROUPS = _vocabulary(
    women=("女性", "women"),
    ethnic_minorities=("少数族裔", "ethnic minorities"),
    migrants=("移民与外籍人士", "migrants and foreign nationals"),
    job_applicants=("求职者", "job applicants"),
    borrowers=("借款人", "borrowers"),
    defendants=("被告人", "defendants"),
    families=("家庭", "families"),
    patients=("患者", "patients"),
    students=("学生", "students"),
    minors=("未成年人", "minors"),
    elderly=("老年人", "elderly people"),
    users=("用户", "users"),
    consumers=("消费者", "consumers"),
    customers=("顾客", "customers"),
    employees=("员工", "employees"),
    businesses=("企业", "businesses"),
    pedestrians=("行人", "pedestrians"),
    passengers=("乘客", "passengers"),
    drivers=("驾驶人", "drivers"),
    voters=("选民", "voters"),
    lgbtq=("性少数群体", "LGBTQ people"),
    persons_with_disabilities=("残障人士", "persons with disabilities"),
    public=("公众", "the public"),
)
"""Who was harmed or nearly harmed."""

REGIONS = _vocabulary(
    CN=("中国", "China"),
    **{"CN-HK": ("中国香港", "Hong Kong, China"), "CN-TW": ("中国台湾", "Taiwan, China")},
    US=("美国", "United States"),
    GB=("英国", "United Kingdom"),
    NL=("荷兰", "Netherlands"),
    BE=("比利时", "Belgium"),
    KR=("韩国", "South Korea"),
    IT=("意大利", "Italy"),
    UA=("乌克兰", "Ukraine"),
    CA=("加拿大", "Canada"),
    AU=("澳大利亚", "Australia"),
    ES=("西班牙", "Spain"),
    GLOBAL=("全球", "worldwide"),
)
"""Where it happened (ISO 3166 codes; ``GLOBAL`` for a worldwide service)."""

FACETS: dict[str, dict[str, LocalizedText]] = {
    "sector": SECTORS,
    "region": REGIONS,
    "risk_category": RISK_CATEGORIES,
    "severity": SEVERITIES,
    "system_type": SYSTEM_TYPES,
}
"""The coded fields a search can filter and count by (``year`` is counted too)."""

LICENCES = {"CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/"}
"""The licences a case may carry (SPDX id → text)."""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a case comes from and how it was checked.

    ``source`` is ``aiid`` (the AI Incident Database); ``aiid_title`` is the
    incident's title in the snapshot, kept to check the case against it.
    """

    source: str
    aiid_incident: int
    url: str
    aiid_title: str
    licence: str
    verified: str

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "aiid_incident": self.aiid_incident,
            "url": self.url,
            "aiid_title": self.aiid_title,
            "licence": self.licence,
            "licence_url": LICENCES[self.licence],
            "verified": self.verified,
        }


@dataclass(frozen=True, slots=True)
class Case:
    """One ethics risk case: what happened, to whom, which norms it touches, where it is from."""

    id: str
    title: LocalizedText
    summary: LocalizedText
    date: dt.date
    sector: str
    region: str
    system_type: str
    risk_category: str
    severity: str
    harms: tuple[str, ...]
    affected_groups: tuple[str, ...]
    principles: tuple[str, ...]
    articles: tuple[int, ...]
    remediation: LocalizedText | None
    sources: tuple[str, ...]
    provenance: Provenance

    @property
    def year(self) -> int:
        return self.date.year

    def facet(self, name: str) -> str:
        """The value of a facet (``year`` as text)."""
        return str(self.year) if name == "year" else str(getattr(self, name))

    def labels(self, language: str) -> list[str]:
        """The coded fields worded in ``language``: what the full text also indexes."""
        words = [
            SECTORS[self.sector].get(language),
            REGIONS[self.region].get(language),
            SYSTEM_TYPES[self.system_type].get(language),
            RISK_CATEGORIES[self.risk_category].get(language),
        ]
        words += [HARMS[code].get(language) for code in self.harms]
        words += [AFFECTED_GROUPS[code].get(language) for code in self.affected_groups]
        return words

    def to_json(self, language: str | None = None) -> dict[str, Any]:
        """The case as JSON: texts in ``language``, or both languages when it is ``None``."""

        def text(value: LocalizedText | None) -> Any:
            if value is None:
                return None
            return value.to_json() if language is None else value.get(language)

        def label(vocabulary: dict[str, LocalizedText], code: str) -> Any:
            return text(vocabulary[code])

        return {
            "id": self.id,
            "title": text(self.title),
            "summary": text(self.summary),
            "date": self.date.isoformat(),
            "sector": self.sector,
            "sector_label": label(SECTORS, self.sector),
            "region": self.region,
            "region_label": label(REGIONS, self.region),
            "system_type": self.system_type,
            "system_type_label": label(SYSTEM_TYPES, self.system_type),
            "risk_category": self.risk_category,
            "risk_category_label": label(RISK_CATEGORIES, self.risk_category),
            "severity": self.severity,
            "severity_label": label(SEVERITIES, self.severity),
            "harms": list(self.harms),
            "affected_groups": list(self.affected_groups),
            "principles": list(self.principles),
            "articles": list(self.articles),
            "remediation": text(self.remediation),
            "sources": list(self.sources),
            "provenance": self.provenance.to_json(),
        }
