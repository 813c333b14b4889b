"""Operations of deployed AI systems: the decision ledger, the runtime switch, ingestion.

Terms
-----
decision log
    One tamper-evident ledger per AI system (:class:`~.models.LedgerLog`, kind
    ``decisions``): the decision records the system sends, in RFC 8785 JSON,
    personal fields as salted hashes.
platform log
    One ledger for the platform's actions (switch changes, tier overrides,
    playbook changes, API keys; later review decisions and certificates),
    appended through :func:`~.services.ledger_record_action`.
database store
    :class:`~.store.DatabaseStore`, the :class:`tianping.ledger.LedgerStore` in
    the platform's database; one transaction per batch (group commit).
system API key
    The credential an AI system sends records with (``tpk_…``); only its digest is kept.
ingestion
    ``POST /api/ingest/systems/{id}/decisions``: a batch, acknowledged with its
    ledger indices after the durable commit, once per idempotency key; 429 with
    ``Retry-After`` when the platform is busy (:mod:`.gate`).
runtime switch
    ``active`` (AI may decide), ``paused`` (humans decide), ``stopped``; SDK
    clients poll it (``GET /api/ingest/systems/{id}/switch``).
incident playbook
    Per system: who may set each switch state, thresholds for human takeover,
    escalation contacts, the fallback path and the SDK's fail-safe.
"""
