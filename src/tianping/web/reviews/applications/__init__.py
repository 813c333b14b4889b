"""Applications: what is reviewed, and its outcome.

application
    A request for ethics review of one AI system's activity; its ``version``
    guards concurrent edits.
bundle, attachment, waiver
    The materials the rule set requires; each attached, waived, or outstanding.
acceptance, procedure, deadline
    The chair accepts and names the procedure (general, simplified, emergency);
    the review is due by a deadline that can be extended.
decision
    Approve, approve after modification, modify and resubmit, disapprove, and
    when the rules ask it, an expert re-review (:func:`services.decision_record`).
"""
