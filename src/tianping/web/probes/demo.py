"""The demo's probes: the chat endpoint of the multilingual chatbot and one finished run
(the example results shipped in ``examples/probes/results.json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tianping.probes import read_results
from tianping.web.probes.models import ChatEndpoint, ProbeRun
from tianping.web.probes.services import probe_run_load

CHATBOT = "多语种智能客服 YunChat"
RESULTS = Path(__file__).resolve().parents[4] / "examples" / "probes" / "results.json"


def seed_probes(users: dict[str, Any], systems: dict[str, Any]) -> None:
    """An endpoint on the chatbot (no API key) and a finished run from the example results."""
    system = systems.get(CHATBOT)
    if system is None or ProbeRun.objects.filter(system=system).exists():
        return
    actor = users.get("yunyu")
    # Demo data: the address is an example one, never resolved (nothing is sent to it).
    endpoint, _created = ChatEndpoint.objects.get_or_create(
        system=system,
        defaults={
            "base_url": "https://chat.yunchat.example/v1",
            "model": "yunchat-1.4",
            "updated_by": actor,
        },
    )
    if RESULTS.is_file():
        results = read_results(RESULTS)
        # The example results, shown as a run of the chatbot's own model.
        results["run"] = {**results["run"], "model": endpoint.model}
        probe_run_load(actor=actor, system=system, results=results, title="上线前探测 2026-12")
