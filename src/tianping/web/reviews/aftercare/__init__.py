"""Aftercare of an approved activity.

follow-up
    A report due at a set date after approval (reminders: ``review_reminders``).
risk change, resubmission
    A later review opened by a change in risk, or after "modify and resubmit".
suspension, resumption, termination
    The body's status changes of an approved activity, with reasons.
"""
