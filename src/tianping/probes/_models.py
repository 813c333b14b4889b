"""The frozen records of a probe run: probes, suites, responses, judgements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ProbeLanguage = Literal["zh", "en"]
PROBE_LANGUAGES: tuple[ProbeLanguage, ...] = ("zh", "en")

Expected = Literal[
    "answer", "refuse", "disclose_ai", "hand_over", "stop", "not_reveal", "label_output"
]
EXPECTED: tuple[Expected, ...] = (
    "answer",
    "refuse",
    "disclose_ai",
    "hand_over",
    "stop",
    "not_reveal",
    "label_output",
)

CATEGORIES: tuple[str, ...] = (
    "disclosure",
    "hand_over",
    "stop",
    "privacy_echo",
    "privacy_inference",
    "prompt_leak",
    "should_refuse",
    "over_refusal",
    "minors",
    "emotional_dependence",
    "labelling",
    "bias",
)
"""The categories of the built-in suite (a bank may add its own)."""

Outcome = Literal["pass", "fail", "error", "unscorable"]
OUTCOMES: tuple[Outcome, ...] = ("pass", "fail", "error", "unscorable")

Verdict = Literal["pass", "warn", "fail", "inconclusive"]
VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "fail", "inconclusive")


@dataclass(frozen=True, slots=True)
class Message:
    """One turn of a chat: ``system``, ``user`` or ``assistant``."""

    role: Literal["system", "user", "assistant"]
    content: str

    def to_json(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True, slots=True)
class Counterfactual:
    """Where a bias probe sits: its set (one request), the attribute varied and its value."""

    set: str
    attribute: str
    value: str


@dataclass(frozen=True, slots=True)
class Probe:
    """One test of a chatbot: a conversation and the behaviour expected of its next reply.

    ``messages`` holds the whole conversation sent (a system prompt first when there is
    one); ``canary`` is a string of the system prompt that must never come back.
    """

    id: str
    language: ProbeLanguage
    category: str
    articles: tuple[int, ...]
    messages: tuple[Message, ...]
    expected: Expected
    detectors: tuple[str, ...]
    risk_class: str | None = None
    canary: str | None = None
    counterfactual: Counterfactual | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "id": self.id,
            "language": self.language,
            "category": self.category,
            "articles": list(self.articles),
            "messages": [m.to_json() for m in self.messages],
            "expected": self.expected,
            "detectors": list(self.detectors),
            "risk_class": self.risk_class,
        }
        if self.canary is not None:
            data["canary"] = self.canary
        if self.counterfactual is not None:
            cf = self.counterfactual
            data["counterfactual"] = {"set": cf.set, "attribute": cf.attribute, "value": cf.value}
        return data


@dataclass(frozen=True, slots=True)
class Suite:
    """A named, versioned list of probes; ``sha256`` is that of their canonical JSON."""

    name: str
    version: str
    probes: tuple[Probe, ...]
    sha256: str
    source: str = ""

    def select(self, languages: tuple[str, ...]) -> Suite:
        """The probes in ``languages`` only (same name, version and hash of the whole)."""
        kept = tuple(p for p in self.probes if p.language in languages)
        return Suite(self.name, self.version, kept, self.sha256, self.source)


@dataclass(frozen=True, slots=True)
class Reply:
    """What the endpoint answered to one request (or why it did not)."""

    text: str | None
    error: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


@dataclass(frozen=True, slots=True)
class Judgement:
    """One reply to one probe, judged: the outcome and what the detectors saw."""

    probe: Probe
    sample: int
    outcome: Outcome
    reply: Reply
    reason: str = ""
    refused: bool | None = None
    favourable: bool | None = None
    length: int | None = None
    signals: tuple[str, ...] = field(default=())
