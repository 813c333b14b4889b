"""The evaluation kit: a labelled corpus with near-misses, and scores above a floor."""

from __future__ import annotations

import pytest

from tianping.privacy import ENTITIES, Corpus, PrivacyDataError, Scanner, evaluate, generate_corpus
from tianping.privacy._evaluation import EntityScore, score_spans

from .conftest import AS_OF, SALT

F1_FLOOR = 0.95
ENTITY_FLOOR = 0.85


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate_corpus(seed=2026, documents=250, as_of=AS_OF)


def test_the_corpus_covers_every_entity_and_kind(corpus: Corpus) -> None:
    kinds = {s.kind for s in corpus.samples}
    assert kinds == {"prose_zh", "prose_en", "log", "table"}
    labelled = {label.entity for s in corpus.samples for label in s.labels}
    assert labelled == set(ENTITIES)


def test_the_corpus_is_deterministic_and_round_trips(tmp_path, corpus: Corpus) -> None:
    assert generate_corpus(seed=2026, documents=250, as_of=AS_OF) == corpus
    path = corpus.write(tmp_path / "corpus.jsonl")
    assert Corpus.read(path) == corpus


def test_labels_point_at_values_glued_to_cjk_text(corpus: Corpus) -> None:
    glued = 0
    for sample in corpus.samples:
        if sample.kind != "prose_zh":
            continue
        for label in sample.labels:
            before = sample.text[label.start - 1] if label.start else ""
            glued += "\u4e00" <= before <= "\u9fff"
    assert glued > 50


@pytest.mark.parametrize("engine", ["re", "auto"])
def test_f1_is_above_the_floor_on_the_generated_corpus(corpus: Corpus, engine) -> None:
    report = evaluate(corpus, scanner=Scanner(salt=SALT, as_of=AS_OF, engine=engine))
    assert report.overall.f1 >= F1_FLOOR
    for score in report.scores:
        assert score.f1 >= ENTITY_FLOOR, score


def test_scores_count_exact_spans() -> None:
    truth = [("s", "email", None, None, 0, 5), ("s", "email", None, None, 10, 15)]
    found = [("s", "email", None, None, 0, 5), ("s", "email", None, None, 10, 14)]
    (score,) = score_spans(truth, found, ["email"])
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.f1 == pytest.approx(0.5)
    assert EntityScore("x", 0, 0, 0).to_json()["f1"] is None


def test_a_file_that_is_not_a_corpus_is_an_error(tmp_path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"format": "other"}\n', encoding="utf-8")
    with pytest.raises(PrivacyDataError):
        Corpus.read(path)
