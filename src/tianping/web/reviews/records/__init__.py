"""Records of an application: what is kept and for how long.

record
    Everything that happened to one application, as JSON (``tianping.review-record/1``).
retention, purge
    Contents of decided applications are erased after the retention period
    (``review_purge``); the timeline and ledger hashes stay.
decision letter
    A PDF rendered by a background job from the record.
"""
