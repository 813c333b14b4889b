"""What the registration already says, carried into the intake questionnaire.

``PREFILL_FROM`` is the table: which intake question each registration field answers,
and how. The intake form starts from these answers wherever no earlier intake answered
the question; each stays editable and is marked on the page. A saved intake keeps, per
pre-filled question, the value offered and whether the answer given differs from it
(``Intake.prefilled``).

Rules:

* ``third_party_components`` — yes when the registration lists a component or vendor.
* ``exported`` — yes when a market outside mainland China or an export destination is
  registered; no when the only market is mainland China and no destination is named.
* ``export_markets`` — the regions of the registered markets and export destinations
  (``DESTINATION_REGIONS`` knows the usual country and region names in Chinese and
  English; a name it does not know adds nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tianping import tiering
from tianping.web.systems.models import AISystem, Market

Answer = bool | str | list[str]

# Registered market → choice of the ``export_markets`` question.
MARKET_REGIONS: dict[str, str] = {
    Market.HK_MACAO_TAIWAN.value: "other",
    Market.EU.value: "eu",
    Market.US.value: "us",
    Market.ASEAN.value: "asean",
    Market.MIDDLE_EAST.value: "middle_east",
    Market.AFRICA.value: "africa",
    Market.LATIN_AMERICA.value: "latin_america",
    Market.OTHER.value: "other",
}

# Choice of the ``export_markets`` question → names of destinations in that region.
# fmt: off
DESTINATION_REGIONS: dict[str, tuple[str, ...]] = {
    "eu": (
        "欧盟", "欧洲联盟", "EU", "European Union",
        "奥地利", "Austria", "比利时", "Belgium", "保加利亚", "Bulgaria", "克罗地亚", "Croatia",
        "塞浦路斯", "Cyprus", "捷克", "Czechia", "Czech Republic", "丹麦", "Denmark",
        "爱沙尼亚", "Estonia", "芬兰", "Finland", "法国", "France", "德国", "Germany",
        "Deutschland", "希腊", "Greece", "匈牙利", "Hungary", "爱尔兰", "Ireland",
        "意大利", "Italy", "拉脱维亚", "Latvia", "立陶宛", "Lithuania", "卢森堡", "Luxembourg",
        "马耳他", "Malta", "荷兰", "Netherlands", "波兰", "Poland", "葡萄牙", "Portugal",
        "罗马尼亚", "Romania", "斯洛伐克", "Slovakia", "斯洛文尼亚", "Slovenia",
        "西班牙", "Spain", "瑞典", "Sweden",
    ),
    "us": ("美国", "United States", "United States of America", "USA", "US"),
    "asean": (
        "东盟", "ASEAN", "文莱", "Brunei", "柬埔寨", "Cambodia", "印度尼西亚", "印尼",
        "Indonesia", "老挝", "Laos", "马来西亚", "Malaysia", "缅甸", "Myanmar", "菲律宾",
        "Philippines", "新加坡", "Singapore", "泰国", "Thailand", "越南", "Vietnam", "Viet Nam",
    ),
    "middle_east": (
        "中东", "Middle East", "阿联酋", "阿拉伯联合酋长国", "United Arab Emirates", "UAE",
        "沙特", "沙特阿拉伯", "Saudi Arabia", "卡塔尔", "Qatar", "科威特", "Kuwait",
        "巴林", "Bahrain", "阿曼", "Oman", "以色列", "Israel", "约旦", "Jordan",
        "伊拉克", "Iraq", "伊朗", "Iran", "土耳其", "Turkey", "Türkiye",
    ),
    "africa": (
        "非洲", "Africa", "埃及", "Egypt", "南非", "South Africa", "尼日利亚", "Nigeria",
        "肯尼亚", "Kenya", "埃塞俄比亚", "Ethiopia", "摩洛哥", "Morocco", "阿尔及利亚",
        "Algeria", "坦桑尼亚", "Tanzania",
    ),
    "latin_america": (
        "拉美", "拉丁美洲", "Latin America", "巴西", "Brazil", "墨西哥", "Mexico",
        "阿根廷", "Argentina", "智利", "Chile", "哥伦比亚", "Colombia", "秘鲁", "Peru",
    ),
}
# fmt: on

_DESTINATION_INDEX: dict[str, str] = {
    name.casefold(): region for region, names in DESTINATION_REGIONS.items() for name in names
}


def destination_region(name: str) -> str | None:
    """The ``export_markets`` choice a destination belongs to, or ``None`` if unknown."""
    return _DESTINATION_INDEX.get(" ".join(name.split()).casefold())


def _outside_mainland(system: AISystem) -> bool:
    return bool(system.export_destinations) or any(
        m != Market.DOMESTIC.value for m in system.markets
    )


def _third_party(system: AISystem) -> Answer | None:
    return True if system.components else None


def _exported(system: AISystem) -> Answer | None:
    if _outside_mainland(system):
        return True
    return False if list(system.markets) == [Market.DOMESTIC.value] else None


def _export_markets(system: AISystem) -> Answer | None:
    regions = {MARKET_REGIONS[m] for m in system.markets if m in MARKET_REGIONS}
    regions |= {r for d in system.export_destinations if (r := destination_region(str(d)))}
    if not regions:
        return None
    question = tiering.load_questionnaire().question("export_markets")
    return [c.id for c in question.choices if c.id in regions]


@dataclass(frozen=True)
class PrefillRule:
    """One row of the table: the question, the registration fields read, the rule."""

    question: str
    fields: tuple[str, ...]
    derive: Callable[[AISystem], Answer | None]


PREFILL_FROM: tuple[PrefillRule, ...] = (
    PrefillRule("third_party_components", ("components",), _third_party),
    PrefillRule("exported", ("markets", "export_destinations"), _exported),
    PrefillRule("export_markets", ("markets", "export_destinations"), _export_markets),
)


@dataclass(frozen=True)
class Prefill:
    """The answers to start the intake form from, and which of them the registration gave."""

    answers: dict[str, Answer]
    offered: dict[str, Answer]
    sources: dict[str, tuple[str, ...]]

    def outcome(self, answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """Per pre-filled question: the value offered, its fields, whether the answer differs."""
        return {
            question: {
                "value": value,
                "fields": list(self.sources[question]),
                "changed": not _same(value, answers.get(question)),
            }
            for question, value in self.offered.items()
        }


def _same(offered: Answer, given: object) -> bool:
    if isinstance(offered, list):
        return isinstance(given, list) and set(given) == set(offered)
    return type(given) is type(offered) and given == offered


def intake_prefill(system: AISystem, earlier: Mapping[str, Any] | None = None) -> Prefill:
    """Start from the ``earlier`` intake's answers, then fill the rest from the registration.

    A question is pre-filled only if no earlier answer exists and, for a conditional
    question, its condition holds on the answers so far.
    """
    questionnaire = tiering.load_questionnaire()
    answers: dict[str, Answer] = dict(earlier or {})
    offered: dict[str, Answer] = {}
    sources: dict[str, tuple[str, ...]] = {}
    for rule in PREFILL_FROM:
        if rule.question in answers:
            continue
        requires = questionnaire.question(rule.question).requires
        if requires is not None and not requires.holds(answers):
            continue
        value = rule.derive(system)
        if value is None:
            continue
        answers[rule.question] = value
        offered[rule.question] = value
        sources[rule.question] = rule.fields
    return Prefill(answers=answers, offered=offered, sources=sources)
