"""Predictions files for the bias assessment tests: decisions with a known bias, as files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile

ROWS = 600
SETTINGS = {
    "protected": ["sex", "age"],
    "label": "y",
    "prediction": "yhat",
    "bins": {"age": [0, 40, 200]},
    "policy": "four-fifths",
    "replicates": 200,
}
"""Audit settings that fit ``decisions()``: women are selected less often (four-fifths fails)."""


def decisions(rows: int = ROWS, *, seed: int = 3) -> pd.DataFrame:
    """Credit decisions where women are selected at 60% of the men's rate."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], rows)
    frame = pd.DataFrame(
        {
            "sex": sex,
            "age": rng.integers(18, 80, rows),
            "y": (rng.random(rows) < 0.5).astype(int),
        }
    )
    frame["yhat"] = (rng.random(rows) < np.where(sex == "F", 0.3, 0.5)).astype(int)
    frame["score"] = np.round(rng.random(rows), 3)
    return frame


def csv_bytes(frame: pd.DataFrame | None = None) -> bytes:
    return (decisions() if frame is None else frame).to_csv(index=False).encode("utf-8")


def parquet_bytes(frame: pd.DataFrame | None = None) -> bytes:
    buffer = io.BytesIO()
    (decisions() if frame is None else frame).to_parquet(buffer, index=False)
    return buffer.getvalue()


def upload(content: bytes | None = None, name: str = "decisions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes() if content is None else content)


def stored_files(folder: Path) -> list[Path]:
    """The files kept under the predictions folder (uploads being checked included)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
