"""Dashboards: what ``/reviews/`` shows each role.

sections
    The applicant's applications, the member's pending work, the chair's
    queue with quorum, the authority's statistics.
"""
