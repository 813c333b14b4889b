"""Expert re-review: the competent authority's second look.

competent authority
    The provincial regulator above the applicant.
panel, seat, expert
    The experts the authority names; each declares interests and votes on a seat.
conclusion, list proposal
    The panel's outcome, and proposals to update the list of activities that
    need re-review.
"""
