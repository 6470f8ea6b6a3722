"""Levels, labels, the two national code lists, and the reproducible follow-up draw."""

from __future__ import annotations

import random

import pytest

from services.evaluation.levels import CODE_LISTS, LEVELS, coded, is_bad, level_view
from services.evaluation.sampling import draw_sample, sample_size


def test_gbt39046_codes_run_from_very_satisfied_to_very_dissatisfied():
    cl = CODE_LISTS["gbt39046"]
    assert [cl.code(lv) for lv in LEVELS] == [1, 2, 3, 4, 5]
    assert cl.level(1) == "very_satisfied" and cl.level(5) == "very_dissatisfied"
    assert "GB/T 39046—2020" in cl.name


def test_haochaping_codes_run_the_other_way():
    cl = CODE_LISTS["haochaping"]
    assert [cl.code(lv) for lv in LEVELS] == [5, 4, 3, 2, 1]
    assert cl.level(1) == "very_dissatisfied" and cl.level(5) == "very_satisfied"
    assert "好差评" in cl.name


def test_a_coded_level_always_names_its_code_list_and_both_labels():
    record = coded("basically_satisfied", "haochaping")
    assert record["level"] == "basically_satisfied" and record["code"] == 3
    assert record["level_label"] == "基本满意" and record["level_label_form"] == "一般"
    assert record["code_list"]["id"] == "haochaping" and record["code_list"]["name"]
    assert level_view("dissatisfied")["level_label_form"] == "不满意"


def test_bad_ratings_are_the_bottom_two_levels():
    assert [lv for lv in LEVELS if is_bad(lv)] == ["dissatisfied", "very_dissatisfied"]


@pytest.mark.parametrize(("n", "ratio", "k"), [(0, 0.2, 0), (1, 0.2, 1), (10, 0.3, 3), (10, 0.25, 3), (7, 1.0, 7)])
def test_sample_size_rounds_up_and_takes_at_least_one(n, ratio, k):
    assert sample_size(n, ratio) == k


def test_the_draw_is_reproducible_from_seed_and_sorted_inputs():
    inputs = [f"BN{i:012X}" for i in range(40)]
    shuffled = random.Random(1).sample(inputs, len(inputs))
    first = draw_sample(inputs, 0.2, seed=20261128)
    assert draw_sample(shuffled, 0.2, seed=20261128) == first  # input order does not matter
    assert len(first) == 8 and first == sorted(first) and set(first) <= set(inputs)
    assert first == sorted(random.Random(20261128).sample(sorted(inputs), 8))
    assert draw_sample(inputs, 0.2, seed=7) != first
