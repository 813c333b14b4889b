"""The body's review of an application: from workspace to decision.

Simplified procedure and appeals live here: both are the body's own review of
an application (named reviewers instead of a meeting; the chair deciding an
appeal against the body's decision).

workspace, finding, comment
    Where members assess the applicable requirement items and discuss.
declaration, recusal
    A member's declared (or detected) conflict of interest; recused members
    neither count for quorum nor vote.
meeting, agenda item, attendance, quorum, vote
    A convened meeting, the applications on it, who was present, whether enough
    were, and each member's vote.
simplified procedure, opinion
    Review by named reviewers, each giving an opinion; escalates to a meeting.
appeal
    The applicant's objection to a decision, decided by the chair.
"""
