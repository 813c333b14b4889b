"""Evidence: a result filed unchanged with its digest, linked to the requirement items it answers.

evidence
    A result's JSON (an audit, a privacy profile, later probe runs, documents,
    certificates), stored with its SHA-256 digest; at most one per source record.
link, extent, basis
    The requirement items the catalogue's measurement mapping says the result
    answers (in full or in part) for the system's latest intake answers, with
    the mapping's version and condition; removed links keep their history.
"""
