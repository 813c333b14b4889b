"""Bias assessments on the platform: a predictions file, an audit in the background, evidence.

Domain words
------------
predictions file
    A system's decisions on a dataset, one row per case: the protected
    attributes, the true outcome (label) and the model's decision (prediction)
    or score. Uploaded (CSV, Parquet or JSON Lines, kept under
    ``TIANPING["PREDICTIONS_DIR"]``) or read from a server folder an operator
    allowed with ``TIANPING_DATA_DIRS``; never from any other path.
bias assessment
    One run of :func:`tianping.fairness.audit` over a predictions file with
    chosen columns, bins, policy and bootstrap replicates. It runs as a
    background task that reports its stage (counting, metrics, bootstrap,
    verdicts) and can be cancelled.
evidence
    The audit's JSON, stored unchanged with its SHA-256 digest and linked to
    the requirement items the catalogue's measurement mapping says it answers
    (in full or in part) for the system's latest intake answers
    (:func:`evidence.services.evidence_items_for`, :func:`tianping.norms.items_for`).

An assessment *finds* disparities in one dataset; the platform never calls a
system fair.

Packages
--------
One Django app (label ``assessments``, models in :mod:`.models`) in concept packages:

``bias``
    Bias assessments: start, cancel, run, results page, PDF report.
``privacy``
    Privacy scans of datasets: start, cancel, run, profile page, impact report.
``evidence``
    Evidence filing and reads shared by both (and later probe runs, documents,
    certificates): the record, its digest, its links to requirement items.

Each package has ``selectors`` (reads and predicates), ``services`` (writes) and,
as they apply, ``api``, ``views``, ``forms``, ``urls``. Shared by all:
:mod:`.jobs` (what both kinds of job on a dataset share: start, read, run,
pages), :mod:`.datafiles` (checking data files), :mod:`.inputs` (stored uploads),
:mod:`.tasks` (the background tasks, at the dotted paths jobs store).
"""
