"""Chat endpoints and probe runs: save an endpoint (address checked, key encrypted), start,
cancel and run (in the worker) a probe run, and file its results as evidence.

An endpoint's address is refused when its host resolves to a private, loopback,
link-local or otherwise non-public address, unless an administrator allow-lists
the host or its network (``TIANPING_PROBE_ALLOW_HOSTS``): when it is saved, when
a run starts, and again when the run is sent (DNS may have changed meanwhile).
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
import tempfile
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext as translate_stored
from django.utils.translation import gettext_noop

from tianping.web.assessments.evidence.services import evidence_file
from tianping.web.assessments.models import Evidence
from tianping.web.core.jobs import error_texts, job_cancel, job_fail, job_mark_cancelled, job_step
from tianping.web.core.keys import KeyServiceError, key_id, keys_for
from tianping.web.core.validation import reject_nul
from tianping.web.ledger.services import ledger_record_action
from tianping.web.probes.models import ChatEndpoint, ProbeRun
from tianping.web.probes.selectors import can_cancel_run, can_run_probes
from tianping.web.systems.models import AISystem

if TYPE_CHECKING:
    from tianping.probes import AddressPolicy

logger = logging.getLogger(__name__)

KEY_PURPOSE = "probe_endpoints"
KEY_FORMAT = "v1:"
LANGUAGES = ("zh", "en")
MAX_SAMPLES = 5
MAX_API_KEY = 4096
CONCURRENCY = 8
MAX_BUDGET = 1_000_000_000

MSG_BAD_URL = gettext_noop(
    "Give the endpoint's base URL, http:// or https:// with a host (e.g. https://host/v1), "
    "without a user name or password."
)
MSG_UNRESOLVED = gettext_noop("The endpoint's host name could not be resolved.")
MSG_PRIVATE = gettext_noop(
    "The endpoint's host resolves to a private, loopback or link-local address; an "
    "administrator must allow it (TIANPING_PROBE_ALLOW_HOSTS) before it can be used."
)


# --- the endpoint's address ----------------------------------------------------------------------


def address_policy() -> AddressPolicy:
    """The administrator's allow-list (``TIANPING_PROBE_ALLOW_HOSTS``) as the library's policy."""
    from tianping.probes import AddressPolicy

    return AddressPolicy.from_entries(settings.TIANPING.get("PROBE_ALLOW_HOSTS", []))


def endpoint_refusal(url: str) -> str | None:
    """Why ``url`` may not be used (an untranslated message), or ``None`` when it may.

    Every address its host resolves to must be public, or allow-listed. Runs connect
    through :class:`tianping.probes.PinnedTransport` with the same policy, so the
    host is resolved and checked again when the connection is made.
    """
    from tianping.probes import ProbeError, check_endpoint, resolve_host

    try:
        check_endpoint(url)
    except ProbeError:
        return MSG_BAD_URL
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    policy = address_policy()
    if policy.allows_name(host):
        return None
    try:
        addresses = resolve_host(host, port)
    except (OSError, UnicodeError, ValueError):
        return MSG_UNRESOLVED
    if not addresses:
        return MSG_UNRESOLVED
    if not all(policy.allows(address) for address in addresses):
        return MSG_PRIVATE
    return None


def check_endpoint_url(url: str) -> str:
    """``url`` without a trailing slash; a ValidationError on ``base_url`` when refused."""
    url = (url or "").strip()
    reason = endpoint_refusal(url)
    if reason is not None:
        raise ValidationError({"base_url": [translate_stored(reason)]})
    return url.rstrip("/")


# --- the API key, encrypted at rest --------------------------------------------------------------


def _aad(system_id: int) -> bytes:
    return f"tianping-probe-endpoint:{system_id}".encode()


def encrypt_api_key(plain: str, *, system_id: int) -> str:
    """``v1:`` + base64(key id, nonce, AES-256-GCM of the key), bound to the system."""
    key = keys_for(KEY_PURPOSE)[0]
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, plain.encode("utf-8"), _aad(system_id))
    return KEY_FORMAT + base64.b64encode(key_id(key) + nonce + sealed).decode("ascii")


def decrypt_api_key(token: str, *, system_id: int) -> str:
    """The API key sealed by :func:`encrypt_api_key` (KeyServiceError if it does not open)."""
    if not token.startswith(KEY_FORMAT):
        raise KeyServiceError("not an encrypted API key")
    try:
        raw = base64.b64decode(token[len(KEY_FORMAT) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyServiceError("not an encrypted API key") from exc
    name, nonce, sealed = raw[:8], raw[8:20], raw[20:]
    for key in keys_for(KEY_PURPOSE, create=False):
        if key_id(key) == name:
            try:
                return AESGCM(key).decrypt(nonce, sealed, _aad(system_id)).decode("utf-8")
            except InvalidTag as exc:
                raise KeyServiceError("the API key was changed after it was encrypted") from exc
    raise KeyServiceError("the API key was encrypted with a key that is no longer configured")


# --- saving the endpoint -------------------------------------------------------------------------


def endpoint_save(
    *,
    actor: AuthUser,
    system: AISystem,
    base_url: str,
    model: str,
    temperature: float = 0.0,
    max_output_tokens: int = 512,
    api_key: str = "",
    clear_key: bool = False,
) -> ChatEndpoint:
    """Create or change the system's chat endpoint; ledgered; nothing changes if refused.

    An empty ``api_key`` keeps the stored one (``clear_key`` removes it).
    """
    if not can_run_probes(actor, system):
        raise PermissionDenied(_("You cannot change the chat endpoint of this system."))
    for field, value in (("base_url", base_url), ("model", model), ("api_key", api_key)):
        reject_nul(value, field)
    errors: dict[str, list[str]] = {}
    model = (model or "").strip()
    if not model or len(model) > 200:
        errors["model"] = [_("Give the model's name (at most 200 characters).")]
    if len(base_url or "") > 500:
        errors["base_url"] = [_("Addresses are limited to 500 characters.")]
    if not 0.0 <= float(temperature) <= 2.0:
        errors["temperature"] = [_("The temperature is between 0 and 2.")]
    if not 1 <= int(max_output_tokens) <= 32768:
        errors["max_output_tokens"] = [_("The maximum tokens per reply are between 1 and 32768.")]
    api_key = (api_key or "").strip()
    if len(api_key) > MAX_API_KEY or any(c.isspace() or ord(c) < 32 for c in api_key):
        errors["api_key"] = [_("An API key is at most 4096 characters, without spaces.")]
    if errors:
        raise ValidationError(errors)
    url = check_endpoint_url(base_url)
    with transaction.atomic():
        endpoint = ChatEndpoint.objects.select_for_update().filter(system=system).first()
        created = endpoint is None
        if endpoint is None:
            endpoint = ChatEndpoint(system=system)
        endpoint.base_url = url
        endpoint.model = model
        endpoint.temperature = float(temperature)
        endpoint.max_output_tokens = int(max_output_tokens)
        if api_key:
            endpoint.api_key_encrypted = encrypt_api_key(api_key, system_id=system.pk)
            key_change = "set"
        elif clear_key:
            endpoint.api_key_encrypted = ""
            key_change = "cleared"
        else:
            key_change = "kept" if endpoint.api_key_encrypted else "none"
        endpoint.updated_by = actor
        endpoint.save()
        ledger_record_action(
            actor=actor,
            kind="probe_endpoint_saved",
            subject=endpoint,
            system=system,
            payload={"created": created, "base_url": url, "model": model, "api_key": key_change},
        )
    logger.info("chat endpoint of system %s saved (API key %s)", system.pk, key_change)
    return endpoint


def endpoint_delete(*, actor: AuthUser, system: AISystem) -> None:
    """Remove the system's chat endpoint and its encrypted key; ledgered (runs are kept)."""
    if not can_run_probes(actor, system):
        raise PermissionDenied(_("You cannot change the chat endpoint of this system."))
    with transaction.atomic():
        endpoint = ChatEndpoint.objects.select_for_update().filter(system=system).first()
        if endpoint is None:
            raise ValidationError(_("This system has no chat endpoint."))
        ledger_record_action(
            actor=actor,
            kind="probe_endpoint_deleted",
            subject=endpoint,
            system=system,
            payload={"base_url": endpoint.base_url, "model": endpoint.model},
        )
        endpoint.delete()
    logger.info("chat endpoint of system %s deleted", system.pk)


# --- starting and cancelling runs ----------------------------------------------------------------


def probe_run_start(
    *,
    actor: AuthUser,
    system: AISystem,
    languages: Sequence[str] = LANGUAGES,
    samples: int = 1,
    title: str = "",
    max_requests: int | None = None,
    max_tokens: int | None = None,
) -> ProbeRun:
    """Queue a run of the built-in suite against the system's endpoint (checked again now).

    ``max_requests`` and ``max_tokens`` bound what the run may spend (none: unbounded);
    a run that spends one stops there and files the results of the probes answered,
    marked incomplete (the budget named).
    """
    if not can_run_probes(actor, system):
        raise PermissionDenied(_("You cannot run probes on this system."))
    reject_nul(title, "title")
    title = (title or "").strip()
    chosen = [language for language in LANGUAGES if language in set(languages)]
    errors: dict[str, list[str]] = {}
    if len(title) > 200:
        errors["title"] = [_("Titles are limited to 200 characters.")]
    if not chosen or len(chosen) != len(set(languages)):
        errors["languages"] = [_("Choose Chinese, English or both.")]
    if not 1 <= int(samples) <= MAX_SAMPLES:
        errors["samples"] = [_("Samples per probe are between 1 and 5.")]
    for name, budget in (("max_requests", max_requests), ("max_tokens", max_tokens)):
        if budget is not None and not 1 <= int(budget) <= MAX_BUDGET:
            errors[name] = [_("A budget is a whole number between 1 and 1,000,000,000.")]
    if errors:
        raise ValidationError(errors)
    endpoint = ChatEndpoint.objects.filter(system=system).first()
    if endpoint is None:
        raise ValidationError(_("Set the system's chat endpoint first."))
    check_endpoint_url(endpoint.base_url)
    with transaction.atomic():
        run = ProbeRun(
            system=system,
            title=title or _("Probe run"),
            base_url=endpoint.base_url,
            model=endpoint.model,
            languages=chosen,
            samples=int(samples),
            max_requests=max_requests,
            max_tokens=max_tokens,
            requested_by=actor,
        )
        run.full_clean()
        run.save()
        ledger_record_action(
            actor=actor,
            kind="probe_run_started",
            subject=run,
            system=system,
            payload={
                "languages": chosen,
                "samples": run.samples,
                "model": run.model,
                "max_requests": max_requests,
                "max_tokens": max_tokens,
            },
        )
        # robust: a failing enqueue is logged; the saved run stays queued.
        transaction.on_commit(run.enqueue, robust=True)
    logger.info("probe run %s queued for system %s", run.pk, system.pk)
    return run


def probe_run_cancel(*, actor: AuthUser, run: ProbeRun) -> ProbeRun:
    """Stop a run: at once if queued, within a second or so if running."""
    if not can_cancel_run(actor, run):
        raise PermissionDenied(_("You cannot cancel this probe run."))
    if ProbeRun.objects.get(pk=run.pk).is_finished:
        raise ValidationError(_("This probe run has already finished."))
    return job_cancel(ProbeRun, run.pk)


# --- running (in the task worker) ----------------------------------------------------------------


class _Cancelled(Exception):
    """Raised in the run's thread when the job was cancelled."""


def _without_nul(value: Any) -> Any:
    """``value`` with NUL characters taken out of its text (PostgreSQL JSON cannot hold them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def probe_run_work(run_id: Any) -> None:
    """The work of a probe run, run by the job runner (in a child process)."""
    probe_run_run(run_id=run_id)


def probe_run_run(*, run_id: Any, poll_seconds: float = 0.5) -> None:
    """Send the suite, judge the replies and file the results as evidence.

    The library runs in a thread of its own (its event loop may not touch the
    database); this thread reports its progress and passes cancellation on.
    """
    from tianping import probes

    run = ProbeRun.objects.select_related("system").get(pk=run_id)
    if run.is_finished:
        return
    if not job_step(ProbeRun, run_id, progress=2, message=gettext_noop("Checking the endpoint")):
        return
    endpoint = ChatEndpoint.objects.filter(system_id=run.system_id).first()
    reason = endpoint_refusal(run.base_url)
    if reason is not None:
        job_fail(ProbeRun, run_id, message=reason)
        return
    api_key = None
    if endpoint is not None and endpoint.has_api_key:
        try:
            api_key = decrypt_api_key(endpoint.api_key_encrypted, system_id=run.system_id)
        except KeyServiceError as exc:
            job_fail(ProbeRun, run_id, message=gettext_noop("The API key could not be decrypted."))
            logger.error("probe run %s: %s", run_id, exc)
            return
    client = probes.ClientSettings(
        endpoint=run.base_url,
        model=run.model,
        api_key=api_key,
        temperature=endpoint.temperature if endpoint is not None else 0.0,
        max_output_tokens=endpoint.max_output_tokens if endpoint is not None else 512,
        concurrency=CONCURRENCY,
        max_requests=run.max_requests,
        max_tokens=run.max_tokens,
        address_policy=address_policy(),
    )
    state: dict[str, Any] = {"done": 0, "total": 0, "outcome": None, "error": None}
    cancelled = threading.Event()

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total
        if cancelled.is_set():
            raise _Cancelled

    with tempfile.TemporaryDirectory(prefix="tianping-probes-") as folder:

        def send() -> None:
            try:
                state["outcome"] = probes.run_suite(
                    probes.load_suite("default"),
                    client,
                    folder,
                    samples=run.samples,
                    languages=tuple(run.languages),
                    progress=progress,
                )
            except BaseException as exc:  # handed to the job's thread
                state["error"] = exc

        worker = threading.Thread(target=send, name=f"probe-run-{run_id}", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(poll_seconds)
            total = state["total"] or 1
            percent = 5 + int(85 * state["done"] / total)
            if not cancelled.is_set() and not job_step(
                ProbeRun, run_id, progress=percent, message=gettext_noop("Sending the probes")
            ):
                cancelled.set()
    error = state["error"]
    if cancelled.is_set() or isinstance(error, _Cancelled):
        return
    if isinstance(error, probes.ProbeError):
        job_fail(
            ProbeRun,
            run_id,
            message=gettext_noop("The probe run could not finish."),
            error=error_texts(error),
        )
        return
    if error is not None:
        job_fail(ProbeRun, run_id, message=gettext_noop("The probe run failed unexpectedly."))
        logger.error("probe run %s failed: %s", run_id, type(error).__name__)
        return
    results = _without_nul(state["outcome"].results)
    if not job_step(ProbeRun, run_id, progress=95, message=gettext_noop("Filing the evidence")):
        return
    _file(run_id, results)


STOPPED_BY_BUDGET = gettext_noop(
    "Stopped by its budget: the results cover only the probes answered."
)


def _file(run_id: Any, results: dict[str, Any]) -> bool:
    """File the results as evidence of the run and mark it done (unless cancelled meanwhile)."""
    with transaction.atomic():
        run = ProbeRun.objects.select_for_update().select_related("system").get(pk=run_id)
        if run.cancel_requested:
            job_mark_cancelled(run)
            return False
        evidence = evidence_file(
            source=run,
            kind=Evidence.Kind.PROBE_RUN,
            title=run.title,
            content=results,
            created_by=run.requested_by,
            system=run.system,
        )
        run.status = ProbeRun.Status.DONE
        run.progress = 100
        run.message = STOPPED_BY_BUDGET if results.get("incomplete") else gettext_noop("Done")
        run.verdict = str(results.get("verdict", ""))[:16]
        run.finished_at = timezone.now()
        run.save()
        ledger_record_action(
            actor=None,
            kind="probe_run_finished",
            subject=run,
            system=run.system,
            payload={"verdict": run.verdict, "evidence_sha256": evidence.sha256},
        )
    return True


def probe_run_load(
    *, actor: AuthUser | None, system: AISystem, results: dict[str, Any], title: str
) -> ProbeRun:
    """A finished run made from a ``results.json`` already produced (the demo data)."""
    finished = timezone.now()
    run = ProbeRun.objects.create(
        system=system,
        title=title,
        base_url=str(results.get("run", {}).get("endpoint", "")),
        model=str(results.get("run", {}).get("model", "")),
        languages=list(results.get("suite", {}).get("languages", [])),
        samples=int(results.get("run", {}).get("samples", 1)),
        requested_by=actor,
        started_at=finished,
    )
    _file(run.pk, _without_nul(results))
    run.refresh_from_db()
    return run
