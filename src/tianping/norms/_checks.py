"""Cross-reference checks over the parsed catalogue files.

They run after every file has passed its schema, so the shapes are known.
Each check adds a :class:`CatalogueProblem` that names the file, the place in
it and what is wrong; nothing is fixed up silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tianping.norms import _errors as msg
from tianping.norms._errors import CatalogueProblem
from tianping.norms._models import EVIDENCE_TYPES, STAGES, TIERS
from tianping.norms._schema import CATALOGUE_FILES, location

Document = dict[str, Any]


class _Report:
    """Collects problems with readable locations."""

    def __init__(self, documents: Mapping[str, Document]) -> None:
        self.documents = documents
        self.problems: list[CatalogueProblem] = []

    def add(self, kind: str, path: Iterable[str | int], message: str) -> None:
        self.problems.append(
            CatalogueProblem(
                file=CATALOGUE_FILES[kind],
                path=location(self.documents[kind], path),
                message=message,
            )
        )

    def unique(self, kind: str, listing: str, key: str, *, what: str) -> None:
        """Each entry of ``documents[kind][listing]`` has a distinct ``key``."""
        first: dict[object, int] = {}
        for index, entry in enumerate(self.documents[kind][listing]):
            value = entry[key]
            if value in first:
                where = location(self.documents[kind], [listing, first[value]])
                self.add(
                    kind,
                    [listing, index, key],
                    msg.DUPLICATE_ID.format(what=what, key=value, first=where),
                )
            else:
                first[value] = index

    def known(
        self, kind: str, path: list[str | int], value: object, known: Iterable[object], what: str
    ) -> bool:
        """Whether ``value`` is among ``known``; adds a problem if it is not."""
        known = list(known)
        if value in known:
            return True
        listing = ", ".join(map(str, known))
        self.add(kind, path, msg.UNKNOWN_REFERENCE.format(what=what, key=value, known=listing))
        return False


def _consecutive(report: _Report, kind: str, listing: str, key: str, message: str) -> None:
    for index, entry in enumerate(report.documents[kind][listing]):
        if entry[key] != index + 1:
            report.add(
                kind, [listing, index, key], message.format(expected=index + 1, found=entry[key])
            )
            return


def reference_problems(documents: Mapping[str, Document]) -> list[CatalogueProblem]:
    """Every broken cross-reference among the four parsed, schema-valid files."""
    report = _Report(documents)
    _check_edition(report)
    _check_norms(report)
    _check_vocabulary(report)
    _check_items(report)
    _check_coverage(report)
    _check_frameworks(report)
    _check_expert_review_list(report)
    return report.problems


def _check_edition(report: _Report) -> None:
    norms = report.documents["norms"]
    for kind in ("requirements", "crosswalks"):
        for field in ("version", "effective_from"):
            value = report.documents[kind][field]
            if value != norms[field]:
                report.add(
                    kind,
                    [field],
                    msg.VERSION_MISMATCH.format(field=field, value=value, expected=norms[field]),
                )


def _check_norms(report: _Report) -> None:
    norms = report.documents["norms"]
    articles = {article["number"]: article for article in norms["articles"]}
    chapters = {chapter["number"]: chapter for chapter in norms["chapters"]}
    categories = {category["id"]: category for category in norms["categories"]}
    principle_ids = [principle["id"] for principle in norms["principles"]]

    report.unique("norms", "principles", "id", what="principle id")
    report.unique("norms", "chapters", "number", what="chapter")
    report.unique("norms", "categories", "id", what="category id")
    report.unique("norms", "articles", "number", what="article")
    _consecutive(report, "norms", "articles", "number", msg.ARTICLES_NOT_CONSECUTIVE)
    _consecutive(report, "norms", "chapters", "number", msg.CHAPTERS_NOT_CONSECUTIVE)
    _consecutive(report, "norms", "principles", "number", msg.PRINCIPLES_NOT_CONSECUTIVE)

    # Chapters cover the articles in order, without gaps or overlaps.
    expected_first = 1
    for index, chapter in enumerate(norms["chapters"]):
        if chapter["first_article"] > chapter["last_article"]:
            report.add(
                "norms",
                ["chapters", index],
                msg.BAD_RANGE.format(first=chapter["first_article"], last=chapter["last_article"]),
            )
        if chapter["first_article"] != expected_first:
            report.add(
                "norms",
                ["chapters", index, "first_article"],
                msg.CHAPTER_RANGE_GAP.format(
                    chapter=chapter["number"],
                    found=chapter["first_article"],
                    expected=expected_first,
                ),
            )
        expected_first = chapter["last_article"] + 1
        if chapter["category"] is not None:
            report.known(
                "norms",
                ["chapters", index, "category"],
                chapter["category"],
                categories,
                "category",
            )
    if norms["chapters"] and norms["articles"]:
        last = norms["chapters"][-1]["last_article"]
        if last != norms["articles"][-1]["number"]:
            report.add(
                "norms",
                ["chapters", len(norms["chapters"]) - 1, "last_article"],
                msg.CHAPTER_RANGE_END.format(found=last, expected=norms["articles"][-1]["number"]),
            )

    for index, category in enumerate(norms["categories"]):
        path: list[str | int] = ["categories", index]
        if not report.known("norms", [*path, "chapter"], category["chapter"], chapters, "chapter"):
            continue
        chapter = chapters[category["chapter"]]
        if chapter["category"] != category["id"]:
            report.add(
                "norms",
                [*path, "chapter"],
                msg.CATEGORY_MISMATCH.format(
                    found=category["id"],
                    owner=f"chapter {chapter['number']}",
                    expected=chapter["category"],
                ),
            )
        if (category["first_article"], category["last_article"]) != (
            chapter["first_article"],
            chapter["last_article"],
        ):
            report.add(
                "norms",
                path,
                msg.CATEGORY_RANGE_MISMATCH.format(
                    first=category["first_article"],
                    last=category["last_article"],
                    chapter=chapter["number"],
                    chapter_first=chapter["first_article"],
                    chapter_last=chapter["last_article"],
                ),
            )
        clauses = articles.get(2, {}).get("clauses", 0)
        if category["clause"] > clauses:
            report.add(
                "norms",
                [*path, "clause"],
                msg.CLAUSE_OUT_OF_RANGE.format(article=2, count=clauses, clause=category["clause"]),
            )

    for index, article in enumerate(norms["articles"]):
        path = ["articles", index]
        if report.known("norms", [*path, "chapter"], article["chapter"], chapters, "chapter"):
            chapter = chapters[article["chapter"]]
            if article["number"] not in range(
                chapter["first_article"], chapter["last_article"] + 1
            ):
                report.add(
                    "norms",
                    [*path, "chapter"],
                    msg.ARTICLE_OUTSIDE_CHAPTER.format(
                        article=article["number"],
                        chapter=chapter["number"],
                        first=chapter["first_article"],
                        last=chapter["last_article"],
                    ),
                )
            if article["category"] != chapter["category"]:
                report.add(
                    "norms",
                    [*path, "category"],
                    msg.CATEGORY_MISMATCH.format(
                        found=article["category"],
                        owner=f"chapter {chapter['number']}",
                        expected=chapter["category"],
                    ),
                )
        for position, principle in enumerate(article["principles"]):
            report.known(
                "norms", [*path, "principles", position], principle, principle_ids, "principle"
            )

    stated: dict[tuple[int, int], str] = {}
    for index, principle in enumerate(norms["principles"]):
        path = ["principles", index]
        if not report.known("norms", [*path, "article"], principle["article"], articles, "article"):
            continue
        count = articles[principle["article"]].get("clauses", 0)
        if principle["clause"] > count:
            report.add(
                "norms",
                [*path, "clause"],
                msg.CLAUSE_OUT_OF_RANGE.format(
                    article=principle["article"], count=count, clause=principle["clause"]
                ),
            )
        key = (principle["article"], principle["clause"])
        if key in stated:
            report.add(
                "norms",
                [*path, "clause"],
                msg.DUPLICATE_CLAUSE.format(clause=key[1], article=key[0], other=stated[key]),
            )
        stated[key] = principle["id"]


def _check_vocabulary(report: _Report) -> None:
    requirements = report.documents["requirements"]
    for listing, expected in (
        ("stages", STAGES),
        ("evidence_types", EVIDENCE_TYPES),
        ("tiers", TIERS),
    ):
        report.unique("requirements", listing, "id", what=listing.rstrip("s").replace("_", " "))
        present = {term["id"] for term in requirements[listing]}
        missing = [term for term in expected if term not in present]
        if missing:
            report.add(
                "requirements",
                [listing],
                msg.VOCABULARY_INCOMPLETE.format(
                    what=listing.replace("_", " "),
                    expected=", ".join(expected),
                    missing=", ".join(missing),
                ),
            )


def _check_items(report: _Report) -> None:
    norms = report.documents["norms"]
    articles = {article["number"]: article for article in norms["articles"]}
    categories = [category["id"] for category in norms["categories"]]
    principles = [principle["id"] for principle in norms["principles"]]
    clause_principle = {
        (principle["article"], principle["clause"]): principle["id"]
        for principle in norms["principles"]
    }
    principle_articles = {principle["article"] for principle in norms["principles"]}
    frameworks = {
        framework["id"]: [target["id"] for target in framework["targets"]]
        for framework in report.documents["crosswalks"]["frameworks"]
    }

    report.unique("requirements", "items", "id", what="requirement item")
    for index, item in enumerate(report.documents["requirements"]["items"]):
        path: list[str | int] = ["items", index]
        named = int(item["id"][4:6])
        if named != item["article"]:
            report.add(
                "requirements",
                [*path, "id"],
                msg.ITEM_ID_ARTICLE.format(
                    item_id=item["id"], named=named, article=item["article"]
                ),
            )
        for position, principle in enumerate(item["principles"]):
            report.known(
                "requirements", [*path, "principles", position], principle, principles, "principle"
            )
        report.known("requirements", [*path, "category"], item["category"], categories, "category")
        _check_item_tiers(report, path, item["tiers"])
        for framework_id, targets in item.get("crosswalk", {}).items():
            where: list[str | int] = [*path, "crosswalk", framework_id]
            if not report.known("requirements", where, framework_id, frameworks, "framework"):
                continue
            for position, target in enumerate(targets):
                report.known(
                    "requirements",
                    [*where, position],
                    target,
                    frameworks[framework_id],
                    f"target of {framework_id}",
                )
        if not report.known(
            "requirements", [*path, "article"], item["article"], articles, "article"
        ):
            continue
        article = articles[item["article"]]
        if article["category"] is not None and item["category"] != article["category"]:
            report.add(
                "requirements",
                [*path, "category"],
                msg.CATEGORY_MISMATCH.format(
                    found=item["category"],
                    owner=f"article {article['number']}",
                    expected=article["category"],
                ),
            )
        clause = item.get("clause")
        count = article.get("clauses", 0)
        if clause is None:
            if article["number"] in principle_articles:
                report.add(
                    "requirements", path, msg.CLAUSE_REQUIRED.format(article=article["number"])
                )
        elif count == 0:
            report.add(
                "requirements",
                [*path, "clause"],
                msg.CLAUSE_NOT_ALLOWED.format(article=article["number"]),
            )
        elif clause > count:
            report.add(
                "requirements",
                [*path, "clause"],
                msg.CLAUSE_OUT_OF_RANGE.format(
                    article=article["number"], count=count, clause=clause
                ),
            )
        elif (principle := clause_principle.get((article["number"], clause))) and (
            principle not in item["principles"]
        ):
            report.add(
                "requirements",
                [*path, "principles"],
                msg.CLAUSE_PRINCIPLE_MISSING.format(
                    clause=clause, article=article["number"], principle=principle
                ),
            )


def _check_item_tiers(report: _Report, path: list[str | int], tiers: list[str]) -> None:
    # The low tier is the fast-track subset: whatever a lower tier must do, a higher one must too.
    present = [tier for tier in TIERS if tier in tiers]
    if not present:
        return
    lowest = TIERS.index(present[0])
    missing = [tier for tier in TIERS[lowest:] if tier not in tiers]
    if missing:
        report.add(
            "requirements",
            [*path, "tiers"],
            msg.TIERS_NOT_UPWARD_CLOSED.format(tier=present[0], missing=", ".join(missing)),
        )


def _check_coverage(report: _Report) -> None:
    # Every article that states principles (Art. 3) or norms for an activity
    # category (Art. 5–22) must be turned into at least one checkable item.
    norms = report.documents["norms"]
    items = report.documents["requirements"]["items"]
    covered = {item["article"] for item in items}
    clauses = {(item["article"], item.get("clause")) for item in items}
    checkable = {principle["article"] for principle in norms["principles"]} | {
        article["number"] for article in norms["articles"] if article["category"] is not None
    }
    for number in sorted(checkable - covered):
        report.add("requirements", ["items"], msg.ARTICLE_WITHOUT_ITEMS.format(article=number))
    for principle in norms["principles"]:
        if (principle["article"], principle["clause"]) not in clauses:
            report.add(
                "requirements",
                ["items"],
                msg.CLAUSE_WITHOUT_ITEMS.format(
                    clause=principle["clause"],
                    article=principle["article"],
                    principle=principle["id"],
                ),
            )


def _check_frameworks(report: _Report) -> None:
    report.unique("crosswalks", "frameworks", "id", what="framework id")
    for index, framework in enumerate(report.documents["crosswalks"]["frameworks"]):
        first: dict[str, int] = {}
        for position, target in enumerate(framework["targets"]):
            if target["id"] in first:
                where = location(
                    report.documents["crosswalks"],
                    ["frameworks", index, "targets", first[target["id"]]],
                )
                report.add(
                    "crosswalks",
                    ["frameworks", index, "targets", position, "id"],
                    msg.DUPLICATE_ID.format(what="target id", key=target["id"], first=where),
                )
            else:
                first[target["id"]] = position


def _check_expert_review_list(report: _Report) -> None:
    document = report.documents["expert_review_list"]
    report.unique("expert_review_list", "activities", "id", what="activity id")
    report.unique("expert_review_list", "history", "version", what="history version")
    history = document["history"]
    for index in range(1, len(history)):
        if history[index]["effective_from"] < history[index - 1]["effective_from"]:
            report.add(
                "expert_review_list",
                ["history", index, "effective_from"],
                msg.HISTORY_ORDER.format(
                    later=history[index - 1]["version"], earlier=history[index]["version"]
                ),
            )
    if history and history[-1]["version"] != document["version"]:
        report.add(
            "expert_review_list",
            ["history", len(history) - 1, "version"],
            msg.HISTORY_LAST_VERSION.format(
                found=history[-1]["version"], expected=document["version"]
            ),
        )
    # Replaying the history must give exactly the current list.
    listed: list[str] = []
    for index, change in enumerate(history):
        for position, key in enumerate(change["removed"]):
            if key in listed:
                listed.remove(key)
            else:
                report.add(
                    "expert_review_list",
                    ["history", index, "removed", position],
                    msg.HISTORY_BAD_REMOVAL.format(key=key),
                )
        for position, key in enumerate(change["added"]):
            if key in listed:
                report.add(
                    "expert_review_list",
                    ["history", index, "added", position],
                    msg.HISTORY_BAD_ADDITION.format(key=key),
                )
            else:
                listed.append(key)
    current = [activity["id"] for activity in document["activities"]]
    if sorted(listed) != sorted(current):
        report.add(
            "expert_review_list",
            ["activities"],
            msg.HISTORY_MISMATCH.format(
                replayed=", ".join(sorted(listed)), listed=", ".join(sorted(current))
            ),
        )


__all__ = ["reference_problems"]
