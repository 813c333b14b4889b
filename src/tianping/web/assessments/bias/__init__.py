"""Bias assessments: a predictions file, an audit in the background, its results.

predictions file
    A system's decisions on a dataset, one row per case: the protected
    attributes, the true outcome (label) and the model's decision (prediction)
    or score.
bias assessment
    One run of :func:`tianping.fairness.audit` over a predictions file with
    chosen columns, bins, policy and bootstrap replicates; its stages
    (counting, metrics, bootstrap, verdicts) are its progress.
results
    The audit's JSON shown on the page and printed in the PDF report.
"""
