"""Writes of operations, as one index: each lives in the module named for its concept.

- :mod:`.ingestion`: decision records into a system's decision log;
- :mod:`.keys`: system API keys;
- :mod:`.switch`: the runtime switch;
- :mod:`.playbooks`: incident playbooks;
- :mod:`.monitors`: readings, alerts and incidents.

The ledgers' writes (appending an action, checkpoints, receipts, exports, erasing
a salt) are :mod:`tianping.web.ledger.services`.
"""

from __future__ import annotations

# Moved to the ledger app; re-exported for the review services until they import it there.
from tianping.web.ledger.services import ledger_record_action as ledger_record_action
from tianping.web.operations.ingestion import (
    DecisionRecord,
    IdempotencyConflict,
    IngestResult,
    decision_records_ingest,
)
from tianping.web.operations.keys import (
    system_api_key_authenticate,
    system_api_key_create,
    system_api_key_revoke,
)
from tianping.web.operations.monitors import incident_close, monitor_alert_handle
from tianping.web.operations.playbooks import incident_playbook_update
from tianping.web.operations.switch import switch_set, system_switch_change

__all__ = [
    "DecisionRecord",
    "IdempotencyConflict",
    "IngestResult",
    "decision_records_ingest",
    "incident_close",
    "incident_playbook_update",
    "ledger_record_action",
    "monitor_alert_handle",
    "switch_set",
    "system_api_key_authenticate",
    "system_api_key_create",
    "system_api_key_revoke",
    "system_switch_change",
]
