"""Operations of deployed AI systems: decision ingestion, the runtime switch, playbooks, monitors.

The ledgers these write to are the :mod:`tianping.web.ledger` app (decision
logs, the platform log, their store, keys and receipts); operations imports
it, never the reverse. One module per concept:

ingestion
    ``POST /api/ingest/systems/{id}/decisions``: a batch, appended to the
    system's decision log and acknowledged with its ledger indices after the
    durable commit, once per idempotency key; 429 with ``Retry-After`` when the
    platform is busy (:mod:`.gate`). :mod:`.ingestion`.
system API key
    The credential an AI system sends records with (``tpk_…``); only its digest
    is kept. :mod:`.keys`.
runtime switch
    ``active`` (AI may decide), ``paused`` (humans decide), ``stopped``; SDK
    clients poll it (``GET /api/ingest/systems/{id}/switch``). :mod:`.switch`.
incident playbook
    Per system: who may set each switch state, thresholds for human takeover,
    escalation contacts, the fallback path and the SDK's fail-safe. :mod:`.playbooks`.
monitors
    Counts of logged decisions, readings, alerts and incidents; a monitor that
    raises is an ``error`` reading and an alert. :mod:`.monitors`.

:mod:`.services` re-exports the services of these modules; :mod:`.selectors`
holds the reads.
"""
