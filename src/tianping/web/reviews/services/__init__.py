"""Writes of ethics review. Each service checks permissions, validates with the
rules of :mod:`tianping.review`, runs in one transaction, and appends its
action to the application's timeline and the platform ledger
(:func:`tianping.web.reviews.services.common.record`)."""
