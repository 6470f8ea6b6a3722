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


def test_every_rating_channel_has_an_interface_code_and_the_record_masks_the_rater():
    from typing import get_args

    from shared import haochaping
    from shared.contracts.evaluation import RatingChannel
    from shared.reference import load_catalog

    assert set(haochaping.CHANNEL_CODES) == set(get_args(RatingChannel))
    assert set(haochaping.CHANNEL_CODES.values()) <= set(haochaping.CHANNEL_CODE_LABELS)
    case = {"case_id": "BN-1", "service_point": "district", "project": {"name": "P"},
            "items": [{"item_no": 7, "department": "zrzy"}, {"item_no": 2, "department": "fgw"}],
            "outcome": "terminated", "concluded_on": "2026-09-20"}
    rater = {"kind": "recorded_by_agent", "name": "张三丰", "phone": "13912345678", "enterprise": "91150303MA0N123401"}
    rating = {"rating_no": 3, "level": "very_dissatisfied", "channel": "written", "comment": "身份证150303198506121235",
              "rater": rater, "real_name": True, "follow_up": False, "defaulted": False, "bad": True,
              "rated_on": "2026-09-21", "rated_at": "2026-09-21T01:02:03+00:00", "signed_on": "2026-09-20"}
    options = haochaping.Options("k" * 32, "150303", {})
    r = haochaping.record(case, rating, catalog=load_catalog(), options=options)
    assert r["evaluateId"] == "BN-1-P3" and r["alternate"] == 1 and r["pf"] == 5 and r["proStatus"] == 2
    assert r["taskCode"] == "150303BNB002;150303BNB007" and r["deptCode"] == "zwfw"
    assert r["assessTime"] == "2026-09-21 09:02:03" and r["userName"] == "张**" and r["isKeyedIn"] == 1
    assert "150303198506121235" not in r["writingEvaluation"] and "13912345678" not in str(r)
    assert r["userId"] == haochaping.record(case, {**rating, "rating_no": 4}, catalog=load_catalog(), options=options)["userId"]
    assert r["userId"] != haochaping.record(case, rating, catalog=load_catalog(), options=haochaping.Options("x" * 32, "150303", {}))["userId"]
