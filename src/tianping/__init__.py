"""Tianping (天平): AI ethics review, certification and risk monitoring.

The library is pure Python and never imports Django; the web platform lives in
:mod:`tianping.web` and calls into it.

Packages
--------
norms
    The normative catalogue: the Ethical Norms for New Generation AI, their
    requirement items and crosswalks to other frameworks, as versioned data.
tiering
    The intake questionnaire, its scoring into a risk tier and the obligations
    each tier carries.
reports
    Bilingual HTML and PDF reports.
cli
    The ``tianping`` command.

Modules shared by all of them: :mod:`tianping.csvsafe` (every CSV written,
formula cells neutralised) and :mod:`tianping.jsonsafe` (JSON from outside,
read within a nesting depth and a number length).
"""

from tianping.errors import TianpingError

__version__ = "0.1.0"

__all__ = ["TianpingError", "__version__"]
