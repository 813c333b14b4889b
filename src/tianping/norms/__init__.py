"""The normative catalogue: the Ethical Norms for New Generation AI as versioned data.

The catalogue is a folder of YAML files (``data/``), each checked against a
JSON Schema (``schema/``) and cross-checked when loaded. A province or a later
revision changes the data, not the code.

Domain words
------------
article
    One of the 25 articles of the *Ethical Norms for New Generation Artificial
    Intelligence* (2021). The Chinese text is the official one, verbatim; the
    English text is Tianping's own paraphrase.
chapter
    One of the six chapters: 总则 (Art. 1–4), 管理规范 (5–9), 研发规范 (10–13),
    供应规范 (14–17), 使用规范 (18–22), 组织实施 (23–25).
principle
    One of the six basic principles stated in the clauses of Art. 3
    (``well_being``, ``fairness``, ``privacy_security``, ``controllability``,
    ``accountability``, ``ethical_literacy``).
activity category
    One of the four kinds of AI activity of Art. 2 whose norms fill chapters
    II–V: ``management``, ``research``, ``supply``, ``use``.
requirement item
    One checkable question derived from an article, with a stable id
    (``REQ-13-01``), the principles it serves, its activity category, the
    lifecycle **stage** at which it is checked (``design`` … ``retire``), the
    **evidence** type that answers it (``document``, ``test_result``,
    ``configuration``, ``record``, ``attestation``) and the risk **tiers** it
    applies to (``low`` items are the fast-track subset; an item for a tier
    applies to every higher tier).
framework, crosswalk target
    Another framework (AI Governance Code 2026, export ethical review, PIPL,
    the 2023 S&T Ethics Review Measures) and one of its pillars, dimensions,
    articles or criteria. The **crosswalk** says which items help meet which
    target; it is Tianping's reading, not an official table.
expert re-review list
    The dynamic, versioned list of activities (``human_machine_integration``,
    ``public_opinion_mobilisation``, ``autonomous_decision_safety``) that need
    expert re-review after the ethics committee's review.
measurement, extent
    A kind of result filed as evidence (``bias_assessment``, ``privacy_scan``,
    ``probe_run``, ``document``, ``certificate``). The **measurement mapping**
    (``data/measurements.yaml``) names the items each one answers, ``full`` or
    ``partial`` (the extent), and when: a condition on the intake answers in the
    questionnaire's condition language (:func:`items_for`).
confidence
    How sure the data is: ``V`` checked against the legal text, ``S`` secondary
    source, ``M`` recollection of the official text, ``?`` uncertain.

Examples
--------
>>> from tianping.norms import load_catalogue
>>> catalogue = load_catalogue()
>>> catalogue.article(13).title.get("en")
'Prevent bias and discrimination'
>>> [item.id for item in catalogue.requirements(article=13, tier="low")]
['REQ-13-01']
"""

from tianping.norms._catalogue import Catalogue, fold
from tianping.norms._errors import CatalogueError, CatalogueProblem, NotInCatalogueError
from tianping.norms._loader import DATA_DIR, check_catalogue, load_catalogue
from tianping.norms._measurements import (
    EXTENTS,
    MEASUREMENT_KINDS,
    MEASUREMENTS_FILE,
    Extent,
    MeasuredItem,
    Measurement,
    MeasurementKind,
    MeasurementMap,
    check_measurements,
    items_for,
    load_measurements,
)
from tianping.norms._models import (
    CONFIDENCES,
    EVIDENCE_TYPES,
    STAGES,
    TIERS,
    ActivityCategory,
    Article,
    Chapter,
    Confidence,
    CrosswalkTarget,
    EvidenceType,
    ExpertReviewList,
    Framework,
    ListChange,
    ListedActivity,
    Principle,
    RequirementItem,
    Source,
    Stage,
    Term,
    Tier,
)
from tianping.norms._schema import CATALOGUE_FILES, MAPPING_FILES, SCHEMA_DIR, catalogue_schema

__all__ = [
    "CATALOGUE_FILES",
    "CONFIDENCES",
    "DATA_DIR",
    "EVIDENCE_TYPES",
    "EXTENTS",
    "MAPPING_FILES",
    "MEASUREMENTS_FILE",
    "MEASUREMENT_KINDS",
    "SCHEMA_DIR",
    "STAGES",
    "TIERS",
    "ActivityCategory",
    "Article",
    "Catalogue",
    "CatalogueError",
    "CatalogueProblem",
    "Chapter",
    "Confidence",
    "CrosswalkTarget",
    "EvidenceType",
    "ExpertReviewList",
    "Extent",
    "Framework",
    "ListChange",
    "ListedActivity",
    "MeasuredItem",
    "Measurement",
    "MeasurementKind",
    "MeasurementMap",
    "NotInCatalogueError",
    "Principle",
    "RequirementItem",
    "Source",
    "Stage",
    "Term",
    "Tier",
    "catalogue_schema",
    "check_catalogue",
    "check_measurements",
    "fold",
    "items_for",
    "load_catalogue",
    "load_measurements",
]
