"""Ethics review: one Django app (label ``reviews``, models in :mod:`.models`) in concept packages.

``bodies``
    Review bodies, rosters, entrustments; who reviews whom.
``applications``
    Applications, bundle, acceptance, deadlines, the decision.
``meetings``
    The body's review: workspace, declarations, meetings and votes, the
    simplified procedure, appeals.
``expert``
    Expert re-review by the competent authority.
``aftercare``
    Follow-ups, risk changes, resubmissions, suspension and termination.
``records``
    The record export, retention and purge, decision letters.
``notifications``, ``dashboards``
    Notices to users; the home page of each role.

Each package has ``selectors`` (reads and predicates), ``services`` (writes) and,
as they apply, ``api``, ``views``, ``forms``, ``urls``, ``panels``. Shared by all:
:mod:`.library` (rule sets and library records), :mod:`.timeline` (lock, record,
bump), :mod:`.files` (uploaded documents). ``services/`` only keeps old import
paths for callers outside this app.
"""
