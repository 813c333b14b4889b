"""Uploaded inputs of assessments: encrypted at rest, read through a private copy, discarded.

An uploaded dataset holds personal data (ID numbers, phones …). It is stored
encrypted (:mod:`tianping.web.core.keys`, purpose ``uploads``) and only while
it is needed: when its job ends -- done, failed or cancelled -- it is deleted,
unless its owner chose to keep it, and then it is deleted when the retention
period ends (``TIANPING_UPLOAD_RETENTION_DAYS``, 30 by default). It is kept in
the storage of uploads (:mod:`tianping.web.core.storage`: a local folder, or an
S3-compatible object storage a cluster shares), written and read in chunks. A job
reads it through a decrypted copy in a private folder of the host that runs it,
removed as soon as the job is done. Files on the server (``TIANPING_DATA_DIRS``)
are the organisation's own and never touched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tianping import datalimits
from tianping.web.assessments import datafiles
from tianping.web.assessments.models import PredictionsFile
from tianping.web.core import storage
from tianping.web.core.keys import decrypt_stream, encrypt_stream
from tianping.web.home import PRIVATE_FILE_MODE, private_dir

PURPOSE = "uploads"
ENCRYPTED_SUFFIX = ".enc"


def retention_days() -> int:
    """How long a kept upload stays (``TIANPING_UPLOAD_RETENTION_DAYS``)."""
    return int(settings.TIANPING.get("UPLOAD_RETENTION_DAYS", 30))


def work_dir() -> Path:
    """Where jobs read decrypted copies (0700, under the platform's home)."""
    return private_dir(Path(settings.HOME) / "work")


def store_upload(checked: datafiles.CheckedFile, *, system_id: int) -> str:
    """Encrypt a checked upload into the storage of uploads, remove the plain copy; its name."""
    name = f"{system_id}/{uuid.uuid4().hex}{checked.path.suffix}{ENCRYPTED_SUFFIX}"
    try:
        with checked.path.open("rb") as plain:
            return storage.save_chunks(
                storage.uploads_storage(), name, encrypt_stream(plain, purpose=PURPOSE)
            )
    finally:
        checked.path.unlink(missing_ok=True)


def delete_stored(location: str) -> None:
    """Delete an upload from the storage of uploads (nothing if it is gone already)."""
    storage.uploads_storage().delete(location)


def keep_until(keep: bool) -> datetime | None:
    """When a kept upload is deleted (``None``: when its job ends)."""
    return timezone.now() + timedelta(days=retention_days()) if keep else None


@contextlib.contextmanager
def readable(data: PredictionsFile) -> Iterator[Path]:
    """A path the job may read ``data`` from, for the length of the block.

    Uploads are read from their storage (decrypted) into a private copy on this
    host, removed afterwards; server files are checked against the data folders
    again (fail closed).
    """
    if data.source == PredictionsFile.Source.SERVER:
        yield datafiles.allowed_server_path(data.location)
        return
    store = storage.uploads_storage()
    if not data.encrypted:  # stored in a local folder before uploads were encrypted
        local = storage.local_path(store, data.location)
        if local is not None:
            yield local
            return
    copy = work_dir() / f"{uuid.uuid4().hex}{Path(data.name).suffix.lower()}"
    try:
        descriptor = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        with os.fdopen(descriptor, "wb") as out:
            if data.encrypted:
                with store.open(data.location, "rb") as handle:
                    name = Path(data.location).name
                    for chunk in decrypt_stream(handle, purpose=PURPOSE, name=name):
                        out.write(chunk)
            else:
                for chunk in storage.read_chunks(store, data.location):
                    out.write(chunk)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def check_budget(data: PredictionsFile, path: Path) -> None:
    """Refuse data larger than a job may read (:class:`~tianping.datalimits.DataLimitError`).

    Uploads were measured when they arrived; a file on the server is measured
    now, as it is read (it may have grown since it was attached).
    """
    if data.source != PredictionsFile.Source.SERVER:
        return
    datafiles.job_data_limits().check(datalimits.measure(path, data.format))


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete kept uploads whose retention ended and whose jobs are over; how many."""
    moment = now or timezone.now()
    count = 0
    for data in PredictionsFile.objects.filter(
        source=PredictionsFile.Source.UPLOAD,
        discarded_at__isnull=True,
        keep_until__lt=moment,
    ):
        if _in_use(data):
            continue
        count += int(data.discard(now=moment))
    if count:
        logging.getLogger(__name__).info("deleted %d uploaded inputs past retention", count)
    return count


def _in_use(data: PredictionsFile) -> bool:
    unfinished = ("queued", "running")
    return (
        data.assessments.filter(status__in=unfinished).exists()
        or data.privacy_scans.filter(status__in=unfinished).exists()
    )
