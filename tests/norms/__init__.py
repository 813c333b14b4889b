"""Tests of :mod:`tianping.norms`, the normative catalogue."""
