"""The catalogue's article pages say which measurements answer each item, and how fully."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from tests.web.factories import Network, logged_in_client


def _cell(html: str, item: str) -> str:
    row = re.search(rf'<tr data-item="{item}">(.*?)</tr>', html, re.S)
    assert row is not None, item
    cell = re.search(r'<td class="answered-by">(.*?)</td>', row.group(1), re.S)
    assert cell is not None
    return cell.group(1)


def test_an_article_page_names_the_measurements_that_answer_each_item(
    catalogue: None, network: Network
) -> None:
    client = logged_in_client(network.applicant_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("catalogue:article", args=[13])).content.decode()
    fairness = _cell(html, "REQ-13-02")
    assert 'data-measurement="bias_assessment" data-extent="full"' in fairness
    assert "Bias assessment: Answers it in full" in fairness
    generated = _cell(html, "REQ-13-07")
    assert 'data-measurement="probe_run"' in generated
    assert "bias_assessment" not in generated
    assert "for some systems, by their intake" in generated
    assert _cell(html, "REQ-13-03") == "—"


def test_the_measurements_read_in_chinese(catalogue: None, network: Network) -> None:
    client = logged_in_client(network.applicant_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("catalogue:article", args=[13])).content.decode()
    assert "偏见评估: 完全回答该项" in _cell(html, "REQ-13-02")
