"""Review bodies: who reviews.

body
    An ethics committee (reviews the unit that set it up) or a review centre
    (reviews the organisations that entrusted it in writing).
roster, member
    The body's members with role, term, disciplines, pledges, interests, training.
entrustment
    A written agreement by which an organisation without its own committee has a
    review centre review it.
route
    Which body reviews an organisation: its own committee, else its entrusting centre.
"""
