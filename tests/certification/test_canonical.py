"""The JSON fast path of ``canonical`` writes exactly what RFC 8785 (``rfc8785``) writes."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from tianping.certification import canonical

KEYS = st.text(max_size=6)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text(max_size=12)
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_the_fast_path_is_rfc8785(document: Any) -> None:
    assert canonical(document) == rfc8785.dumps(document)


def test_what_the_fast_path_leaves_to_rfc8785() -> None:
    # Keys outside the BMP sort by UTF-16 code units in JCS, not by code points.
    tricky = {"\U0001f600": 1, "\ufb01": 2, "a\x1f": [0.5, 1e21, "\u2028"]}
    assert canonical(tricky) == rfc8785.dumps(tricky)
    with pytest.raises(ValueError, match="safe integer"):
        canonical({"n": 2**60})
