"""The PDF: real Chinese glyphs from an embedded Noto CJK font, and no tofu when fonts are missing.

One intake summary is printed once for the module (both languages, hostile
particulars); the other tests use small documents or never reach WeasyPrint.
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from tianping.reports import (
    CJK_FONT_FAMILIES,
    FontCheck,
    ReportError,
    fontconfig_has_family,
    html_to_pdf,
    intake_summary_pdf,
)
from tianping.reports._fonts import MISSING_CJK_FONT, MISSING_CJK_FONT_HINT, NO_FAMILIES

AT = datetime(2026, 6, 3, 9, 30, tzinfo=UTC)
ONE_PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def pdf(hostile_report_inputs: tuple[dict[str, Any], dict[str, Any]]) -> bytes:
    system, result = hostile_report_inputs
    return intake_summary_pdf(system=system, result=result, language="both", generated_at=AT)


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(reader: PdfReader) -> list[DictionaryObject]:
    fonts = []
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", DictionaryObject()).get_object().values():
            fonts.append(font.get_object())
    return fonts


def _descriptor(font: DictionaryObject) -> DictionaryObject:
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


def test_the_report_is_a_pdf(pdf: bytes, reader: PdfReader) -> None:
    assert pdf.startswith(b"%PDF-")
    assert len(reader.pages) >= 2


def test_its_text_holds_the_chinese_and_english_strings(text: str) -> None:
    for expected in (
        "智能信贷评分",
        "人工智能系统分级填报摘要",
        "高风险",
        "系统概况",
        "出口伦理审查",
    ):
        assert expected in text
    for expected in ("AI system intake summary", "High risk", "Score breakdown"):
        assert expected in text


def test_every_page_carries_page_numbers_and_the_disclaimer(reader: PdfReader, text: str) -> None:
    pages = len(reader.pages)
    assert f"第 1 页 / 共 {pages} 页" in text and f"Page {pages} of {pages}" in text
    assert text.count("不构成法律意见") == pages


def test_hostile_strings_print_as_text_and_long_ones_wrap(text: str) -> None:
    assert "<script>alert('天平')</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "W" * 400 not in text  # broken across lines …
    assert text.count("W") >= 400  # … but all there


def test_the_glyphs_come_from_an_embedded_noto_cjk_font(reader: PdfReader) -> None:
    fonts = _fonts(reader)
    names = {str(font["/BaseFont"]) for font in fonts}
    cjk = [
        font
        for font in fonts
        if "notosanscjk" in str(font["/BaseFont"]).replace("-", "").lower()
        or "notoserifcjk" in str(font["/BaseFont"]).replace("-", "").lower()
    ]
    assert cjk, f"no Noto CJK font among {sorted(names)}"
    for font in cjk:
        descriptor = _descriptor(font)
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), "font not embedded"
        # a subset: the name carries the six-letter subset tag
        assert str(font["/BaseFont"])[7] == "+"


def test_the_document_is_titled_and_tagged_with_its_language(reader: PdfReader) -> None:
    assert reader.metadata is not None
    title = "人工智能系统分级填报摘要 / AI system intake summary — 智能信贷评分"
    assert reader.metadata.title == title
    assert str(reader.trailer["/Root"]["/Lang"]) == "zh-Hans"


def test_the_report_fonts_are_installed_here() -> None:
    # fonts-noto-cjk is a system dependency (scripts/system-deps.sh).
    assert any(fontconfig_has_family(family) for family in CJK_FONT_FAMILIES)
    assert fontconfig_has_family("noto sans cjk sc") == fontconfig_has_family("Noto Sans CJK SC")
    assert not fontconfig_has_family("No Such Family 天平")


def test_a_missing_cjk_font_is_a_report_error_not_tofu() -> None:
    check = FontCheck(families=("No Such Family 天平",))
    with pytest.raises(ReportError) as caught:
        html_to_pdf("<p>智能信贷评分</p>", font_check=check)
    assert caught.value.message == MISSING_CJK_FONT.format(families='"No Such Family 天平"')
    assert caught.value.hint == MISSING_CJK_FONT_HINT
    assert "fonts-noto-cjk" in caught.value.diagnostics()


def test_the_font_lookup_is_injectable(
    hostile_report_inputs: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    asked: list[str] = []

    def nothing_installed(family: str) -> bool:
        asked.append(family)
        return False

    system, result = hostile_report_inputs
    with pytest.raises(ReportError):
        intake_summary_pdf(
            system=system,
            result=result,
            language="zh-Hans",
            font_check=FontCheck(lookup=nothing_installed),
        )
    assert asked == list(CJK_FONT_FAMILIES)


def test_one_installed_family_is_enough() -> None:
    check = FontCheck(families=("Missing", "Present"), lookup=lambda family: family == "Present")
    assert check.require() == "Present"


def test_a_font_check_needs_a_family() -> None:
    with pytest.raises(ReportError) as caught:
        FontCheck(families=())
    assert caught.value.message == NO_FAMILIES


def _image_count(pdf: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get_object().get("/XObject", DictionaryObject())
        count += sum(
            1 for x in xobjects.get_object().values() if x.get_object()["/Subtype"] == "/Image"
        )
    return count


def test_local_files_are_not_fetched_without_a_base_url(tmp_path: Path) -> None:
    image = tmp_path / "pixel.png"
    image.write_bytes(ONE_PIXEL_PNG)
    html = f'<p>图</p><img src="{image.as_uri()}">'
    assert _image_count(html_to_pdf(html)) == 0
    relative = '<p>图</p><img src="pixel.png">'
    assert _image_count(html_to_pdf(relative, base_url=str(tmp_path) + "/")) == 1
