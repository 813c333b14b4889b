"""The three-tier network: risk reports upward, early warnings downward.

Risk reports
    An enterprise, ethics committee or review centre files a report about one of its
    systems; its free text is de-identified (:mod:`.deidentify`) before it is stored,
    so the raw text is never kept. It routes to the lowest regulator over the
    organisation, which triages it (accept, request information, close, escalate to
    the regulator above) within a deadline from :file:`deadlines.yaml`; a missed
    deadline escalates it by itself (:func:`.services.reports_escalate_overdue`, a
    periodic job). Every step is a :class:`.models.ReportStep`, notified and appended
    to the platform ledger.
Early warnings
    A regulator warns the organisations of its subtree (filtered by sector and kind);
    one recipient row per organisation, one ledger entry per warning. Recipients
    acknowledge; those who have not by the deadline are sent it again and their
    regulator is told (:func:`.services.warnings_resend_overdue`, a periodic job).
"""
