"""The rules of ethics review, as data, and the checks that apply them.

A pure library (no Django, no persistence): the web workflow, a notebook or a
CI job builds frozen input objects, loads a rule set and calls the checks. Each
check returns a result listing **every** failure, each with a bilingual
explanation, the id of the rule broken and its citation; input the rules
cannot be applied to raises :class:`ReviewInputError`.

Domain words
------------
rule set
    The effective rules for a jurisdiction: the national default (the 2023 S&T
    Ethics Review Measures and what is reported of the 2026 AI ethics review
    measures) merged with any provincial overlay (``sichuan``). Loaded by
    :func:`load_rules` from ``data/rules/*.yaml``, validated against a JSON
    Schema; every rule carries its ``source``, ``article``, ``confidence`` and
    ``effective_from``.
overlay
    A rule file with ``extends:``. It inherits every rule of its parent, may
    add rules and tighten inherited ones, never loosen them.
rule
    One number, flag or list a check uses, with a stable id
    (``quorum.min_present``); :data:`RULE_DEFINITIONS` lists them.
committee, member
    An ethics (review) committee or a review centre and the people on it;
    members have disciplines, a gender, an internal/external status, a term,
    pledges, interests. A **consultant** (顾问专家) advises, is never counted
    and never votes.
procedure
    ``general`` (a meeting), ``simplified`` (two or more members named by the
    chair), ``emergency`` (hours, not days) or ``expert_review`` (a panel
    formed by the authority, for listed activities).
quorum
    The members present who count: not consultants, not recused from the item,
    in their term; enough of them, covering every member category.
decision types
    ``approve``, ``approve_after_modification``,
    ``re_review_after_modification``, ``not_approve``; a vote may also be
    ``abstain``.
recusal
    Standing aside from an item's discussion and vote because of a conflict of
    interest (declared interest, on the team, from the applicant organisation).
finding
    One failure of one rule, with its message and citation.

Examples
--------
>>> from datetime import date
>>> from tianping.review import load_rules, follow_up_due
>>> rules = load_rules("sichuan")
>>> rules.chain
('national', 'sichuan')
>>> rules["decision.threshold"].value, rules["decision.threshold"].confidence
(Fraction(2, 3), 'V')
>>> follow_up_due(date(2026, 5, 1), listed_activity=True, rules=rules).due
datetime.date(2026, 11, 1)
"""

from tianping.review._application import (
    EXTRA_ATTACHMENT_KINDS,
    BundleResult,
    ProcedureResult,
    check_application_bundle,
    check_procedure,
)
from tianping.review._composition import CompositionResult, check_composition
from tianping.review._conflicts import ConflictResult, detect_conflicts
from tianping.review._deadlines import Deadline, DeadlineUnit, FollowUp, deadline, follow_up_due
from tianping.review._errors import (
    ReviewError,
    ReviewInputError,
    RuleProblem,
    RuleSetError,
    UnknownRuleSetError,
)
from tianping.review._expert import (
    PanelCheck,
    PanelOutcome,
    expert_panel_check,
    expert_panel_outcome,
)
from tianping.review._findings import CheckResult, Finding
from tianping.review._io import MAX_COMMITTEE_BYTES, committee_from_json, load_committee
from tianping.review._loader import (
    DEFAULT_RULE_SET,
    RULES_DIR,
    SCHEMA_DIR,
    available_rule_sets,
    check_rule_files,
    load_rules,
)
from tianping.review._meetings import (
    QuorumResult,
    TallyResult,
    check_decision,
    check_quorum,
    tally,
)
from tianping.review._models import (
    CONFLICT_GROUNDS,
    DECISION_TYPES,
    DISCIPLINES,
    ESCALATION_TRIGGERS,
    EXPERT_VIEWS,
    GENDERS,
    PLEDGES,
    PROCEDURES,
    QUORUM_CATEGORIES,
    ROLES,
    SIMPLIFIED_GROUNDS,
    VOTE_CHOICES,
    AnnualReport,
    Application,
    Attachment,
    Committee,
    ConflictGround,
    DecisionType,
    Discipline,
    EscalationTrigger,
    Expert,
    ExpertView,
    ExpertVote,
    Extension,
    Gender,
    Interest,
    Meeting,
    Member,
    Opinion,
    Pledge,
    Procedure,
    QuorumCategory,
    Role,
    SimplifiedGround,
    TrainingRecord,
    Vote,
    VoteChoice,
)
from tianping.review._registration import (
    Reminder,
    ReminderKind,
    Reminders,
    ReminderStatus,
    listed_activity_registration_due,
    registration_reminders,
)
from tianping.review._rules import (
    RULE_DEFINITIONS,
    BundleItem,
    MonthDay,
    Rule,
    RuleDefinition,
    RuleSet,
    Source,
)
from tianping.review._simplified import SimplifiedOutcome, SimplifiedStatus, simplified_outcome

__all__ = [
    "CONFLICT_GROUNDS",
    "DECISION_TYPES",
    "DEFAULT_RULE_SET",
    "DISCIPLINES",
    "ESCALATION_TRIGGERS",
    "EXPERT_VIEWS",
    "EXTRA_ATTACHMENT_KINDS",
    "GENDERS",
    "MAX_COMMITTEE_BYTES",
    "PLEDGES",
    "PROCEDURES",
    "QUORUM_CATEGORIES",
    "ROLES",
    "RULES_DIR",
    "RULE_DEFINITIONS",
    "SCHEMA_DIR",
    "SIMPLIFIED_GROUNDS",
    "VOTE_CHOICES",
    "AnnualReport",
    "Application",
    "Attachment",
    "BundleItem",
    "BundleResult",
    "CheckResult",
    "Committee",
    "CompositionResult",
    "ConflictGround",
    "ConflictResult",
    "Deadline",
    "DeadlineUnit",
    "DecisionType",
    "Discipline",
    "EscalationTrigger",
    "Expert",
    "ExpertView",
    "ExpertVote",
    "Extension",
    "Finding",
    "FollowUp",
    "Gender",
    "Interest",
    "Meeting",
    "Member",
    "MonthDay",
    "Opinion",
    "PanelCheck",
    "PanelOutcome",
    "Pledge",
    "Procedure",
    "ProcedureResult",
    "QuorumCategory",
    "QuorumResult",
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
    "Reminders",
    "ReviewError",
    "ReviewInputError",
    "Role",
    "Rule",
    "RuleDefinition",
    "RuleProblem",
    "RuleSet",
    "RuleSetError",
    "SimplifiedGround",
    "SimplifiedOutcome",
    "SimplifiedStatus",
    "Source",
    "TallyResult",
    "TrainingRecord",
    "UnknownRuleSetError",
    "Vote",
    "VoteChoice",
    "available_rule_sets",
    "check_application_bundle",
    "check_composition",
    "check_decision",
    "check_procedure",
    "check_quorum",
    "check_rule_files",
    "committee_from_json",
    "deadline",
    "detect_conflicts",
    "expert_panel_check",
    "expert_panel_outcome",
    "follow_up_due",
    "listed_activity_registration_due",
    "load_committee",
    "load_rules",
    "registration_reminders",
    "simplified_outcome",
    "tally",
]
