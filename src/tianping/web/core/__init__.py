"""The platform's shared core: what every app builds on instead of carrying its own copy.

``jobs``
    Background work with progress, cancellation, a lease and a heartbeat, each
    job run in a child process under time and memory budgets
    (:class:`~tianping.web.core.jobs.BackgroundJob`, ``job_run``).
"""
