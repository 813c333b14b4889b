"""Notifications of ethics reviews: who hears of an action, about which application.

notice
    A stored, translatable message to one user, shown in the app; mailed as well
    unless mail is suppressed. Stored and sent by the core
    (:mod:`tianping.web.core.notifications`, target: the application); this
    package chooses the recipients and serves the pages and API of the caller's
    notifications.
"""
