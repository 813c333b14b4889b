"""Certification on the platform: bodies, applications, joint evaluation, certificates.

certification body
    An organisation that evaluates or issues (:class:`~.models.CertificationBody`):
    a research institute, an industry association or a certification centre,
    with its accreditation records (for the export review too). A body that
    issues signs with its own ``did:web`` key (purpose ``certificates``).
application
    A system's request for a level or for the export certificate, with the gap
    report computed from what the platform holds (approved ethics reviews, bias
    assessments, evidence and its measurement mapping).
evaluation
    Two evaluators from **different bodies** each record a finding on every
    requirement; where they disagree the issuing body's decision-maker decides,
    with a recorded reason.
certificate
    A W3C Verifiable Credential signed by the issuing body, valid two years,
    with a bit in the body's revocation and suspension status lists (published
    at ``/bodies/<id>/status/<purpose>``). Every state change is appended to the
    platform ledger.
verify page, register
    ``/verify/`` (no login) checks a certificate with the library's verifier,
    the platform's DID documents and status lists; ``/register/`` lists the
    certified systems.
"""
