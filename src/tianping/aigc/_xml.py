"""Bounded XML scans with expat: the AIGC label in an XMP packet and in docx custom properties.

No tree is built: a handler tracks the depth (at most :data:`MAX_XML_DEPTH`)
and keeps only the text it looks for. A document type declaration is refused
outright, so no entity can expand.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.parsers import expat

TC260_NAMESPACE = "http://www.tc260.org.cn/ns/AIGC/1.0/"
"""The XMP namespace of the implicit label (GB 45438-2025)."""
CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
LABEL_NAME = "AIGC"
MAX_XML_DEPTH = 64
"""How deeply elements may nest in an XMP packet or custom.xml."""

_SEP = "\x01"


class XMLProblem(ValueError):
    """XML that is not well-formed, declares a document type or nests too deeply."""


@dataclass(frozen=True)
class XMLLabel:
    """A label found in XML: its text and the namespace of the element or attribute."""

    text: str
    namespace: str


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=_SEP)

    def doctype(*_args: object) -> None:
        raise XMLProblem("a document type declaration (refused: entities could expand)")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    return parser


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(_SEP)
    return namespace, local


def _run(parser: expat.XMLParserType, data: bytes) -> None:
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        problem = f"not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})"
        raise XMLProblem(problem) from None


def xmp_labels(packet: bytes) -> list[XMLLabel]:
    """Every ``AIGC`` element or attribute of an XMP packet, in any namespace.

    The namespace is kept so that the rules can require the TC260 one.
    """
    parser = _parser()
    found: list[XMLLabel] = []
    depth = 0
    capture: list[str] | None = None
    capture_depth = 0
    capture_namespace = ""

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, capture, capture_depth, capture_namespace
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise XMLProblem(f"elements nested deeper than {MAX_XML_DEPTH} levels")
        for key, value in attrs.items():
            namespace, local = _split(key)
            if local == LABEL_NAME and namespace:
                found.append(XMLLabel(value, namespace))
        namespace, local = _split(name)
        if local == LABEL_NAME and namespace and capture is None:
            capture, capture_depth, capture_namespace = [], depth, namespace

    def text(data: str) -> None:
        if capture is not None:
            capture.append(data)

    def end(_name: str) -> None:
        nonlocal depth, capture
        if capture is not None and depth == capture_depth:
            found.append(XMLLabel("".join(capture).strip(), capture_namespace))
            capture = None
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _run(parser, packet)
    return found


def custom_property_labels(document: bytes) -> list[str]:
    """The text of every custom property named ``AIGC`` (``docProps/custom.xml``)."""
    parser = _parser()
    found: list[str] = []
    depth = 0
    capture: list[str] | None = None
    capture_depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, capture, capture_depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise XMLProblem(f"elements nested deeper than {MAX_XML_DEPTH} levels")
        namespace, local = _split(name)
        if (
            capture is None
            and local == "property"
            and namespace == CUSTOM_PROPERTIES
            and attrs.get("name") == LABEL_NAME
        ):
            capture, capture_depth = [], depth

    def text(data: str) -> None:
        if capture is not None:
            capture.append(data)

    def end(_name: str) -> None:
        nonlocal depth, capture
        if capture is not None and depth == capture_depth:
            found.append("".join(capture).strip())
            capture = None
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _run(parser, document)
    return found


__all__ = [
    "CUSTOM_PROPERTIES",
    "MAX_XML_DEPTH",
    "TC260_NAMESPACE",
    "XMLLabel",
    "XMLProblem",
    "custom_property_labels",
    "xmp_labels",
]
