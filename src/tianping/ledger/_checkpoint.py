"""Checkpoints: a log's signed tree head in the C2SP tlog-checkpoint format.

The note text (https://c2sp.org/tlog-checkpoint) is the origin (the log's
name), the tree size in decimal, the base64 root hash, then optional extension
lines. The log signs it as a signed note with a key named like the origin.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Self

from tianping.ledger._errors import CheckpointError, KeyFormatError
from tianping.ledger._hashing import HASH_SIZE
from tianping.ledger._messages import ERR_CHECKPOINT_FORMAT, ERR_CHECKPOINT_ORIGIN
from tianping.ledger._note import Note, NoteSigner, VerifierKey, open_note, sign_note
from tianping.ledger._proofs import MAX_TREE_SIZE


def _fail(reason: str) -> CheckpointError:
    return CheckpointError(ERR_CHECKPOINT_FORMAT.format(reason=reason))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The tree head of the log ``origin``: its size and root hash.

    Examples
    --------
    >>> checkpoint = Checkpoint(origin="example.com/log", size=1, root_hash=bytes(32))
    >>> print(checkpoint.text, end="")
    example.com/log
    1
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
    """

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # tlog-checkpoint, "Note text": a non-empty origin line; SHOULD have no
        # spaces or '+', which we require because the key name repeats it.
        if not isinstance(self.origin, str) or not self.origin or "\n" in self.origin:
            raise _fail("the origin must be one non-empty line")
        size = self.size
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_TREE_SIZE:
            raise _fail(f"the tree size must be an integer in 0..{MAX_TREE_SIZE}")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise _fail("the root hash must be 32 bytes")
        object.__setattr__(self, "extensions", tuple(self.extensions))
        for line in self.extensions:
            # Extension lines, if any, MUST be non-empty.
            if not isinstance(line, str) or not line or "\n" in line:
                raise _fail("extension lines must be single non-empty lines")

    @property
    def text(self) -> str:
        """The note text: origin, size, base64 root hash, extension lines, each + newline."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_text(cls, text: str) -> Self:
        """Parse a checkpoint's note text strictly."""
        if not isinstance(text, str) or not text.endswith("\n"):
            raise _fail("the text must end in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise _fail("it needs an origin, a tree size and a root hash")
        origin, size_text, root_text, *extensions = lines
        # The tree size: ASCII decimal, no leading zeroes unless it is 0.
        if (
            not size_text.isascii()
            or not size_text.isdigit()
            or (size_text != "0" and size_text.startswith("0"))
            or len(size_text) > 19
        ):
            raise _fail(f"the tree size {size_text!r} is not a decimal without leading zeros")
        try:
            root = base64.b64decode(root_text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise _fail("the root hash is not base64") from None
        return cls(origin=origin, size=int(size_text), root_hash=root, extensions=tuple(extensions))


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint and the signed note that carries it (the note is the evidence)."""

    checkpoint: Checkpoint
    note: str

    @classmethod
    def parse_unverified(cls, note: str) -> Self:
        """Read a signed checkpoint without checking who signed it (storage, display)."""
        return cls(checkpoint=Checkpoint.from_text(Note.parse(note).text), note=note)


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> SignedCheckpoint:
    """Sign ``checkpoint`` as a note; the key's name must be the origin.

    tlog-checkpoint: "The log's key name in its signature line SHOULD match the
    origin line" -- Tianping requires it, so a receipt names its log once.
    """
    if signer.name != checkpoint.origin:
        raise CheckpointError(
            ERR_CHECKPOINT_ORIGIN.format(actual=signer.name, expected=checkpoint.origin)
        )
    return SignedCheckpoint(checkpoint=checkpoint, note=sign_note(checkpoint.text, signer))


def verify_checkpoint(
    note: str, key: VerifierKey | str, *, origin: str | None = None
) -> Checkpoint:
    """The checkpoint in ``note`` once ``key`` has verified its signature.

    Parameters
    ----------
    note
        The signed checkpoint.
    key
        The log's verifier key (``name+keyid+base64``). Its name must be the
        checkpoint's origin.
    origin
        The log expected, if the caller knows it.

    Raises
    ------
    NoteError
        If no signature by ``key`` verifies.
    CheckpointError
        If the text is not a checkpoint, or is for another log.
    """
    verifier = VerifierKey.parse(key) if isinstance(key, str) else key
    if not isinstance(verifier, VerifierKey):
        raise KeyFormatError("a verifier key is needed")
    checkpoint = Checkpoint.from_text(open_note(note, [verifier]).text)
    for expected in (verifier.name, origin):
        if expected is not None and checkpoint.origin != expected:
            raise CheckpointError(
                ERR_CHECKPOINT_ORIGIN.format(actual=checkpoint.origin, expected=expected)
            )
    return checkpoint
