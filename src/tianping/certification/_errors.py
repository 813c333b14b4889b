"""Errors of certification: data files, evidence, credentials that cannot be read.

A credential that is read but does not verify is no error: :func:`verify_credential`
answers with a :class:`~tianping.certification.Verification` and its reason.
"""

from __future__ import annotations

from tianping.errors import LocalizedError
from tianping.text import LocalizedText

LEVELS_INVALID = LocalizedText(
    zh="认证等级文件 {source} 无效：{problem}",
    en="The certification levels file {source} is invalid: {problem}",
)
LEVELS_HINT = LocalizedText(
    zh="请按 docs/certification.md 修正该文件中标明的位置。",
    en="Fix the place named in the file; docs/certification.md describes its fields.",
)
UNKNOWN_LEVEL = LocalizedText(
    zh="没有认证等级 {key!r}；已有等级：{known}。",
    en="There is no certification level {key!r}; the levels are: {known}.",
)
UNKNOWN_LEVEL_HINT = LocalizedText(
    zh="运行 `tianping cert levels` 查看各等级。",
    en="Run `tianping cert levels` to see them.",
)
EVIDENCE_INVALID = LocalizedText(
    zh="证据文件 {source} 无效：{problem}",
    en="The evidence file {source} is invalid: {problem}",
)
EVIDENCE_HINT = LocalizedText(
    zh="证据文件的格式见 docs/certification.md（examples/certificates/evidence.yaml 为示例）。",
    en=(
        "docs/certification.md describes the evidence file; "
        "examples/certificates/evidence.yaml is one."
    ),
)
CREDENTIAL_UNREADABLE = LocalizedText(
    zh="无法读取 {source}：{problem}",
    en="Cannot read {source}: {problem}",
)
CREDENTIAL_HINT = LocalizedText(
    zh="请提供 UTF-8 编码的 JSON 文件（一个对象），不超过 {limit} 字节。",
    en="Give a UTF-8 JSON file holding one object, at most {limit} bytes.",
)
KEY_INVALID = LocalizedText(
    zh="无法使用密钥 {source}：{problem}",
    en="Cannot use the key {source}: {problem}",
)
KEY_HINT = LocalizedText(
    zh="请提供 did:key 标识符，或 DID 文档（JSON）文件。",
    en="Give a did:key identifier, or a DID document (JSON) file.",
)
SIGNING_INVALID = LocalizedText(
    zh="无法签发凭证：{problem}",
    en="Cannot issue the credential: {problem}",
)


class CertificationError(LocalizedError):
    """Anything in :mod:`tianping.certification` that cannot go on (the hint: how to fix it)."""


class LevelsError(CertificationError):
    """A levels file that is not well-formed, breaks its schema or names what does not exist.

    ``params`` hold ``source`` (the file) and ``problem`` (with line and column).
    """


class UnknownLevelError(CertificationError, LookupError):
    """A level id that the levels file does not define."""


class EvidenceError(CertificationError):
    """An evidence file or mapping that cannot be read as evidence."""


class CredentialError(CertificationError):
    """A credential, status list, DID document or key that cannot be read at all (bad input)."""


def levels_error(source: str, problem: str) -> LevelsError:
    return LevelsError(
        LEVELS_INVALID, hint=LEVELS_HINT, params={"source": source, "problem": problem}
    )


def evidence_error(source: str, problem: str) -> EvidenceError:
    return EvidenceError(
        EVIDENCE_INVALID, hint=EVIDENCE_HINT, params={"source": source, "problem": problem}
    )


def credential_error(source: str, problem: str, limit: int) -> CredentialError:
    hint = LocalizedText(
        zh=CREDENTIAL_HINT.zh.format(limit=limit), en=CREDENTIAL_HINT.en.format(limit=limit)
    )
    return CredentialError(
        CREDENTIAL_UNREADABLE, hint=hint, params={"source": source, "problem": problem}
    )


def key_error(source: str, problem: str) -> CredentialError:
    return CredentialError(
        KEY_INVALID, hint=KEY_HINT, params={"source": source, "problem": problem}
    )


__all__ = [
    "CertificationError",
    "CredentialError",
    "EvidenceError",
    "LevelsError",
    "UnknownLevelError",
]
