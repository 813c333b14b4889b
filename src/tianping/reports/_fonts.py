"""The check that a Chinese font is installed before a PDF is made.

WeasyPrint never fails for want of a font: it falls back to whatever fontconfig
offers, and without a CJK font every Chinese character prints as an empty box
("tofu"). A report that looks complete but cannot be read is worse than an
error, so :func:`~tianping.reports.html_to_pdf` asks fontconfig first and
raises :class:`~tianping.reports.ReportError` when none of the report fonts is
installed.

The check is a value, :class:`FontCheck`: the families to look for and the
function that looks one up. Tests and unusual deployments pass their own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from tianping.reports._errors import ReportError

#: The report font stack, in order of preference. The stylesheet lists the same
#: families, then the generic ``sans-serif``.
CJK_FONT_FAMILIES: tuple[str, ...] = ("Noto Sans CJK SC", "Noto Serif CJK SC")

MISSING_CJK_FONT = (
    "No Chinese font for the PDF: none of {families} is installed, so Chinese text "
    "would print as empty boxes."
)
MISSING_CJK_FONT_HINT = (
    "Install the Noto CJK fonts (Debian/Ubuntu: apt-get install fonts-noto-cjk; "
    "Fedora: dnf install google-noto-sans-cjk-fonts; macOS: brew install --cask "
    "font-noto-sans-cjk-sc), then run 'fc-cache -f'."
)
NO_FONTCONFIG = "Cannot check the installed fonts: the fontconfig library was not found."
NO_FONTCONFIG_HINT = "WeasyPrint needs fontconfig too; install it with your package manager."
NO_FAMILIES = "A font check needs at least one font family to look for."

# The names WeasyPrint itself tries when it loads fontconfig.
_FONTCONFIG_NAMES = (
    "libfontconfig.so.1",
    "libfontconfig.1.dylib",
    "libfontconfig-1.dll",
    "libfontconfig-1",
    "fontconfig-1",
    "fontconfig",
)

FontLookup = Callable[[str], bool]


class _FcFontSet(ctypes.Structure):
    _fields_ = (
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.c_void_p),
    )


@lru_cache(maxsize=1)
def _fontconfig() -> ctypes.CDLL:
    candidates = [ctypes.util.find_library("fontconfig"), *_FONTCONFIG_NAMES]
    for name in candidates:
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.FcPatternCreate.restype = ctypes.c_void_p
        lib.FcPatternCreate.argtypes = []
        lib.FcPatternAddString.restype = ctypes.c_int
        lib.FcPatternAddString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.FcPatternDestroy.restype = None
        lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
        lib.FcObjectSetCreate.restype = ctypes.c_void_p
        lib.FcObjectSetCreate.argtypes = []
        lib.FcObjectSetAdd.restype = ctypes.c_int
        lib.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.FcObjectSetDestroy.restype = None
        lib.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
        lib.FcFontList.restype = ctypes.POINTER(_FcFontSet)
        lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.FcFontSetDestroy.restype = None
        lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]
        return lib
    raise ReportError(NO_FONTCONFIG, hint=NO_FONTCONFIG_HINT)


def fontconfig_has_family(family: str) -> bool:
    """Whether fontconfig lists a font of ``family`` (what ``fc-list "FAMILY"`` prints).

    WeasyPrint finds system fonts through the same fontconfig library, so a
    family listed here is one the PDF can use. Family names compare without
    regard to case or spaces, as fontconfig compares them.

    Parameters
    ----------
    family
        A font family name, such as ``"Noto Sans CJK SC"``.

    Returns
    -------
    bool
        True when at least one installed font has that family name.

    Raises
    ------
    ReportError
        If the fontconfig library cannot be loaded.

    Examples
    --------
    >>> fontconfig_has_family("No Such Family 天平")
    False
    """
    lib = _fontconfig()
    pattern = lib.FcPatternCreate()
    object_set = lib.FcObjectSetCreate()
    try:
        lib.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
        lib.FcObjectSetAdd(object_set, b"family")
        font_set = lib.FcFontList(None, pattern, object_set)
        if not font_set:
            return False
        try:
            return bool(font_set.contents.nfont > 0)
        finally:
            lib.FcFontSetDestroy(font_set)
    finally:
        lib.FcObjectSetDestroy(object_set)
        lib.FcPatternDestroy(pattern)


@dataclass(frozen=True, slots=True)
class FontCheck:
    """Which font families a PDF needs (any one of them) and how to look one up.

    Parameters
    ----------
    families
        Acceptable families, best first; one installed is enough.
    lookup
        ``family -> bool``; by default :func:`fontconfig_has_family`.

    Examples
    --------
    >>> FontCheck(families=("Noto Sans CJK SC",), lookup=lambda family: True).require()
    'Noto Sans CJK SC'
    """

    families: tuple[str, ...] = CJK_FONT_FAMILIES
    lookup: FontLookup = fontconfig_has_family

    def __post_init__(self) -> None:
        if not self.families or not all(
            isinstance(family, str) and family.strip() for family in self.families
        ):
            raise ReportError(NO_FAMILIES)

    def require(self) -> str:
        """The first installed family.

        Returns
        -------
        str
            The first of :attr:`families` that :attr:`lookup` finds.

        Raises
        ------
        ReportError
            If none is installed, with a hint on how to install one.
        """
        for family in self.families:
            if self.lookup(family):
                return family
        listed = ", ".join(f'"{family}"' for family in self.families)
        raise ReportError(MISSING_CJK_FONT.format(families=listed), hint=MISSING_CJK_FONT_HINT)


DEFAULT_FONT_CHECK = FontCheck()

__all__ = [
    "CJK_FONT_FAMILIES",
    "DEFAULT_FONT_CHECK",
    "MISSING_CJK_FONT",
    "FontCheck",
    "FontLookup",
    "fontconfig_has_family",
]
