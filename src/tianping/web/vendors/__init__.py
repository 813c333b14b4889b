"""Vendors on the platform: the supplier register and each system's AI-BOM.

supplier
    A supplier of models, data, APIs or integration in an organisation's
    register (:class:`~.models.Supplier`), with the advice-06 questionnaire
    (002: training data and use limits, bias and quality testing, logs and
    audit support, remediation, IP and liability). The questions and the rule
    that rates a supplier ``low`` / ``medium`` / ``high`` are data
    (``data/questionnaire.yaml``); the rating is shown with its reasons.
AI-BOM
    A system's CycloneDX 1.6 / 1.7 JSON bill of materials, validated with
    :mod:`tianping.bom` and kept as rows (:class:`~.models.BomComponent`): type,
    name, version, hashes, supplier (matched by name or chosen) and the
    certificate credential id the BOM or the owner states. The system's own
    ML-BOM is exported with :func:`tianping.bom.export_bom`.
interface
    :func:`~.selectors.components_for` and :func:`~.selectors.supplier_risk_for`
    are what certification reads. Every change is appended to the platform ledger.
"""
