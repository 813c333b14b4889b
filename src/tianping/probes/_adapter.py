"""A plain JSON-over-HTTP adapter for chat services that do not speak the OpenAI format.

Configuration is data: a **request template** (a JSON document) and a **response
path**. In the template a string value that is exactly ``"{{messages}}"`` becomes
the conversation (a list of ``{"role", "content"}``); ``{{prompt}}`` inside a
string becomes the last user message, ``{{model}}`` the model name. The template is
filled on the parsed document, so a message can never break out of its string. The
reply's text is found at the response path: keys and list indexes separated by
dots (``reply.text``, ``choices.0.text``). A reply that is not JSON, or has no text
at the path, is an error for its probe; the run goes on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tianping import jsonsafe
from tianping.probes import _errors as msg
from tianping.probes._errors import EndpointError
from tianping.probes._models import Message

MESSAGES = "{{messages}}"
PROMPT = "{{prompt}}"
MODEL = "{{model}}"
MAX_TEMPLATE_BYTES = 1024 * 1024
ADAPTERS = ("openai", "json")


def _template_error(source: str, problem: str) -> EndpointError:
    return EndpointError(
        msg.ERR_TEMPLATE, hint=msg.HINT_TEMPLATE, params={"source": source, "problem": problem}
    )


def _has_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return value == MESSAGES or PROMPT in value
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_placeholder(v) for v in value)
    return False


def parse_response_path(path: str) -> tuple[str | int, ...]:
    """``"choices.0.text"`` as ``("choices", 0, "text")``; an error for an empty step.

    >>> parse_response_path("choices.0.text")
    ('choices', 0, 'text')
    """
    steps = path.split(".")
    if not path or any(not step for step in steps) or len(steps) > 32:
        raise EndpointError(
            msg.ERR_RESPONSE_PATH, hint=msg.HINT_RESPONSE_PATH, params={"path": path[:100]}
        )
    return tuple(int(step) if step.isdigit() else step for step in steps)


@dataclass(frozen=True, slots=True)
class JsonAdapter:
    """A request template and the path of the reply's text in the answer."""

    template: Any
    response_path: tuple[str | int, ...]

    @classmethod
    def from_data(cls, template: Any, response_path: str, *, source: str = "<data>") -> JsonAdapter:
        """An adapter from a parsed template; an :class:`EndpointError` if it has no placeholder."""
        if not isinstance(template, dict | list):
            raise _template_error(source, "not a JSON object or array")
        if not _has_placeholder(template):
            raise _template_error(source, f"no {MESSAGES} or {PROMPT} placeholder")
        return cls(template, parse_response_path(response_path))

    @classmethod
    def read(cls, template_file: str | Path, response_path: str) -> JsonAdapter:
        """The adapter whose template is the JSON file ``template_file`` (at most 1 MiB)."""
        source = str(template_file)
        try:
            with Path(template_file).open("rb") as handle:
                data = handle.read(MAX_TEMPLATE_BYTES + 1)
        except OSError as exc:
            raise _template_error(source, exc.strerror or type(exc).__name__) from exc
        if len(data) > MAX_TEMPLATE_BYTES:
            raise _template_error(source, f"larger than {MAX_TEMPLATE_BYTES:,} bytes")
        try:
            template = jsonsafe.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise _template_error(source, "not UTF-8") from exc
        except ValueError as exc:
            raise _template_error(source, f"not JSON ({str(exc)[:100]})") from exc
        return cls.from_data(template, response_path, source=source)

    @property
    def path_text(self) -> str:
        return ".".join(str(step) for step in self.response_path)

    def identity(self) -> dict[str, Any]:
        """What identifies the adapter in the cache key and in ``results.json``."""
        canonical = json.dumps(self.template, ensure_ascii=False, sort_keys=True)
        return {
            "adapter": "json",
            "request_template_sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
            "response_path": self.path_text,
        }

    def request(self, messages: Sequence[Message], model: str) -> Any:
        """The template filled with ``messages`` and ``model``."""
        conversation = [m.to_json() for m in messages]
        users = [m.content for m in messages if m.role == "user"]
        prompt = users[-1] if users else ""

        def fill(value: Any) -> Any:
            if isinstance(value, str):
                if value == MESSAGES:
                    return conversation
                return value.replace(PROMPT, prompt).replace(MODEL, model)
            if isinstance(value, dict):
                return {key: fill(item) for key, item in value.items()}
            if isinstance(value, list):
                return [fill(item) for item in value]
            return value

        return fill(self.template)

    def text(self, answer: Any) -> str:
        """The reply's text at the response path; a ``ValueError`` naming what is wrong."""
        value = answer
        for depth, step in enumerate(self.response_path):
            where = ".".join(str(s) for s in self.response_path[: depth + 1])
            if isinstance(step, int) and isinstance(value, list):
                if step >= len(value):
                    raise ValueError(f"the reply has no {where}")
                value = value[step]
            elif isinstance(value, dict) and str(step) in value:
                value = value[str(step)]
            else:
                raise ValueError(f"the reply has no {where}")
        if not isinstance(value, str):
            raise ValueError(f"{self.path_text} in the reply is not text")
        return value


__all__ = ["ADAPTERS", "JsonAdapter", "parse_response_path"]
