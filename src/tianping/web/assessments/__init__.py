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
    the requirement items of the catalogue it is offered for: Art. 13 items
    and items of the export review's "algorithmic bias" dimension, taken from
    the catalogue's crosswalk (:func:`services.bias_evidence_items`).

An assessment *finds* disparities in one dataset; the platform never calls a
system fair.
"""
