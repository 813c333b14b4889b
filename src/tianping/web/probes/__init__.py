"""Generative-AI probe runs on the platform: a chat endpoint per AI system, runs in the
background, results pages and evidence (the library is :mod:`tianping.probes`)."""
