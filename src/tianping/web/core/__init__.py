"""The platform's shared core: what every app builds on instead of carrying its own copy.

``jobs``
    Background work with progress, cancellation, a lease and a heartbeat, each
    job run in a child process under time and memory budgets
    (:class:`~tianping.web.core.jobs.BackgroundJob`, ``job_run``).

``timezones``
    Every date and time a person reads, in the platform's zone or the zone of
    the body that issues a document (``local``, ``local_date``, ``format_datetime``,
    ``zone_of``, ``zone_label``).
"""
