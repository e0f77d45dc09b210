"""The built-in question bank: complete, bilingual, unambiguous."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tenants.surveys import bank
from tenants.surveys.bank import (
    ACHIEVEMENT_LABELS,
    CUSTOMER_DIMENSIONS,
    DIMENSION_LABELS,
    DIMENSIONS,
    EMPLOYEE_DIMENSIONS,
    PURPOSE_MAP_FIELDS,
    SCALE_LABELS,
    SCALE_VALUES,
    SCALES,
    BankQuestion,
    Text,
    by_dimension,
    customer_bank,
    employee_bank,
)

ALL = employee_bank() + customer_bank()
# Second-person "tú" forms the neutral Spanish must not use (it addresses people as "usted").
TU_FORMS = re.compile(r"\b(tú|tu|tus|te|ti|contigo|puedes|quieres|sientes|tienes|eres)\b", re.I)


def _texts() -> list[Text]:
    texts = [Text(q.text_en, q.text_es) for q in ALL]
    texts += [bank.PURPOSE_MAP_TITLE, bank.PURPOSE_MAP_INTRO]
    for field in PURPOSE_MAP_FIELDS:
        texts += [field.label, field.help]
    for labels in [*SCALE_LABELS.values(), ACHIEVEMENT_LABELS, DIMENSION_LABELS]:
        texts += list(labels.values())
    return texts


@pytest.mark.parametrize("question", ALL, ids=lambda q: q.key)
def test_every_item_is_well_formed(question: BankQuestion) -> None:
    assert question.text_en.strip() == question.text_en and question.text_en
    assert question.text_es.strip() == question.text_es and question.text_es
    assert question.text_es != question.text_en
    assert question.scale in SCALES
    assert question.dimension in DIMENSIONS
    expected = EMPLOYEE_DIMENSIONS if question.audience == "employee" else CUSTOMER_DIMENSIONS
    assert question.dimension in expected
    assert re.fullmatch(r"[a-z][a-z0-9_]*", question.key)
    assert question.text("en") == question.text_en
    assert question.text("es") == question.text_es
    assert question.text("fr") == question.text_en


def test_keys_are_unique_across_both_banks() -> None:
    keys = [q.key for q in ALL] + [field.key for field in PURPOSE_MAP_FIELDS]
    assert [key for key, n in Counter(keys).items() if n > 1] == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_item_text_is_duplicated(language: str) -> None:
    texts = [q.text(language).casefold() for q in ALL]
    assert [text for text, n in Counter(texts).items() if n > 1] == []


def test_audiences_are_separate() -> None:
    assert {q.audience for q in employee_bank()} == {"employee"}
    assert {q.audience for q in customer_bank()} == {"customer"}


def test_each_employee_dimension_has_at_least_six_agreement_items() -> None:
    groups = by_dimension(employee_bank())
    assert list(groups) == list(EMPLOYEE_DIMENSIONS)
    for dimension, questions in groups.items():
        assert sum(q.scale == "agree5" for q in questions) >= 6, dimension


def test_employee_bank_has_one_optional_purpose_comment() -> None:
    comments = [q for q in employee_bank() if q.scale == "comment"]
    assert len(comments) == 1
    assert comments[0].optional
    assert "purpose" in comments[0].text_en
    assert all(q.scale in {"agree5", "comment"} for q in employee_bank())
    assert not any(q.optional for q in employee_bank() if q.scale != "comment")


def test_customer_bank_measures_felt_value() -> None:
    questions = customer_bank()
    assert {q.dimension for q in questions} == {"felt_value"}
    assert sum(q.scale == "agree5" for q in questions) >= 4
    (recommend,) = [q for q in questions if q.scale == "ten"]
    assert "recommend" in recommend.text_en
    assert sum(q.scale == "comment" for q in questions) == 1


def test_by_dimension_keeps_order_and_every_question() -> None:
    groups = by_dimension(ALL)
    assert list(groups) == list(DIMENSIONS)
    assert sorted(q.key for qs in groups.values() for q in qs) == sorted(q.key for q in ALL)
    custom = BankQuestion("x", "zz_custom", "agree5", "X", "Equis", "employee")
    assert list(by_dimension([custom, *customer_bank()])) == ["felt_value", "zz_custom"]


def test_scales_are_labelled_in_both_languages() -> None:
    assert set(SCALE_VALUES) == set(SCALES) == set(SCALE_LABELS)
    assert SCALE_VALUES["agree5"] == (1, 2, 3, 4, 5)
    assert SCALE_VALUES["ten"] == tuple(range(11))
    assert set(SCALE_LABELS["agree5"]) == set(SCALE_VALUES["agree5"])
    assert set(SCALE_LABELS["yes_no"]) == set(SCALE_VALUES["yes_no"])
    assert set(SCALE_LABELS["ten"]) == {0, 10}
    assert SCALE_LABELS["agree5"][1].get("en") == "Strongly disagree"
    assert SCALE_LABELS["agree5"][5].get("es") == "Totalmente de acuerdo"
    assert SCALE_LABELS["ten"][0].en == "Not at all likely"
    assert SCALE_LABELS["ten"][10].en == "Extremely likely"
    assert SCALE_LABELS["yes_no"][1].es == "Sí"
    assert set(DIMENSION_LABELS) == set(DIMENSIONS)


def test_purpose_map_fields() -> None:
    fields = {field.key: field for field in PURPOSE_MAP_FIELDS}
    assert list(fields) == [
        "responsibility",
        "purpose",
        "achievement",
        "ritual_process",
        "small_change",
    ]
    assert fields["responsibility"].required
    assert not fields["ritual_process"].required
    achievement = fields["achievement"]
    assert achievement.kind == "achievement"
    assert achievement.dimension == "outcome_focus"
    assert sorted(ACHIEVEMENT_LABELS) == [1, 2, 3, 4, 5]
    assert ACHIEVEMENT_LABELS[1].en == "I just get it done"
    assert ACHIEVEMENT_LABELS[5].en == "I achieve its purpose"
    for field in PURPOSE_MAP_FIELDS:
        if field.kind == "text":
            assert field.max_length and field.dimension is None


@pytest.mark.parametrize("text", _texts(), ids=lambda t: t.en[:30])
def test_all_wording_is_bilingual_and_uses_usted(text: Text) -> None:
    assert text.en and text.es
    assert text.get("es") == text.es and text.get("en") == text.en
    assert not TU_FORMS.search(text.es), text.es
    if text.en not in {"No"}:
        assert text.es != text.en
