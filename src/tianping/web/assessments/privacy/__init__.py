"""Privacy scans: a dataset's privacy profile, in the background, and the draft impact assessment.

privacy scan
    One run of :func:`tianping.privacy.profile_table` over a dataset: the
    personal information it holds, its PIPL class, a sample of masked findings
    (never a value read from the data).
impact report
    The draft personal-information impact assessment (PIPL Art. 56) of a
    finished scan, as a PDF.
"""
