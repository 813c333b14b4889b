"""The platform's ledgers: tamper-evident logs in the database, their keys and receipts.

The library (:mod:`tianping.ledger`) does all hashing and proving; this app
keeps its bytes and signs its checkpoints. Other apps append through
:func:`~tianping.web.ledger.services.ledger_record_action` and read through
:mod:`~tianping.web.ledger.selectors`; it imports none of them but the
registry's models (a log belongs to an AI system).

Terms
-----
decision log
    One log per AI system (:class:`~.models.LedgerLog`, kind ``decisions``): the
    decision records the system sends (appended by operations' ingestion).
platform log
    One log for the platform's actions (switch changes, tier overrides, playbook
    changes, API keys, review decisions), appended through
    :func:`~.services.ledger_record_action` and indexed by
    :class:`~.models.PlatformAction`.
database store
    :class:`~.store.DatabaseStore`, the :class:`tianping.ledger.LedgerStore` in
    the platform's database; one transaction per batch (group commit). The
    tables are append-only (database triggers).
signing key
    Each log's Ed25519 checkpoint key, derived from the platform's one ledger
    secret (:mod:`.signing`).
checkpoint, receipt, export
    A signed tree head; an entry with its inclusion proof and the checkpoint it
    leads to; a whole log as one verifiable file (:mod:`.services`).
salt
    The salt of an entry's personal fields (:class:`~.models.LedgerSalt`); erasing
    it unlinks the entry from its person without touching a proof.
"""
