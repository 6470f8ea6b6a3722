"""Every store written by an earlier release (tests/upgrade/stores/<version>/) opens with today's code:
every event read and every aggregate reconstructed, the read models rebuilt from the events, and every view
identical to the export that release committed — except that a field added since, with a default
(docs/DEVELOPING.md: an old event reads it as the contract's default), shows as that default (null)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.upgrade.store import committed_stores, copy_store, expected, export_views, manifest, opened

STORES = committed_stores()


# Fields of the views computed when read (not stored), added since the oldest committed store: an old store
# shows them too, with a value.  Name each here with the release that added it.
COMPUTED_SINCE = {
    "workdays_left",  # reporting's item view: 还剩/已超期 N 个工作日 (after 0.2.0, for the web pages)
    "keyed_in", "keyed_in_label",  # evaluation's rating: 代录, from the rater's kind (after 0.2.0)
    "case_rating",  # evaluation's rating: whether it is the case's rating (the applicant's own first; after 0.2.0)
    # coordination's item (after 0.2.0, 《行政许可法》第三十二条): computed when read, and folded from fields an old
    # event lacks (so false / empty for every item of an old store)
    "acceptance_overdue", "deemed_accepted", "notice_breaches",
    "deficiency_overdue_flags", "deficiency_overdue",  # 容缺 not supplied in time: the item's flags, the scorecard's count
    "waiting_for_cross_level",  # coordination's item: the 协办单 it waits for (none in an old store)
    "commitments_broken",  # the scorecard: 告知承诺 found broken (none in an old store)
    "limits",  # the scorecard: where the time limits it counted come from (the catalog's limits_source)
    "amendments",  # intake's application and reporting's case: the amendments made (after 0.2.0; none in an old store)
    "covers",  # coordination's case: 代岗 arranged (after 0.2.0; none in an old store)
    # the supervision loop (after 0.2.0): complaints in the monthly rows and the scorecard, the departments'
    # submissions in the monthly report (none in an old store)
    "complaints", "complaints_received", "complaints_replied", "complaints_overdue", "submissions",
    "delegation_agrees",  # coordination's case: the 委托书 in force signed for today's case agent (after 0.2.0)
    "third_party",  # the scorecard: third-party assessors' reports beside it (after 0.2.0; none in an old store)
}


# Settings whose default changed after the oldest committed store, as the release had them (the store is read as
# it was served; a new default is today's configuration, not a misread).
DEFAULTS_THEN = {
    # the complaints indicator (投诉建议按期答复率) joined the scorecard's weights after 0.2.0
    "assessment_weights": {"on_time": 40, "overdue": 15, "satisfaction": 25, "rectification": 10, "follow_up": 10},
}


def without_added_nulls(got, want):  # noqa: ANN001, ANN201
    """``got`` less the keys ``want`` lacks whose value is null (optional fields added after the release) or
    that are computed when read (:data:`COMPUTED_SINCE`).
    Anything else — a value changed, a key lost, an added key with a value — still differs."""
    if isinstance(got, dict) and isinstance(want, dict):
        return {k: without_added_nulls(v, want.get(k)) for k, v in got.items()
                if k in want or (v is not None and k not in COMPUTED_SINCE)}
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [without_added_nulls(g, w) for g, w in zip(got, want)]
    return got


def test_there_is_an_old_store():
    assert STORES, "tests/upgrade/stores/ holds no store: `python -m tests.upgrade.generate` writes this release's"


@pytest.mark.parametrize("store", STORES, ids=[s.name for s in STORES])
def test_an_old_store_reads_and_rebuilds_identically(store, tmp_path):
    meta, want = manifest(store), expected(store)
    with opened(copy_store(store, tmp_path), datetime.fromisoformat(meta["ends_at"]), **DEFAULTS_THEN) as (counts, api):
        got = without_added_nulls(export_views(api), want)
    assert counts == meta["events"], "events of the old store lost or misread"
    assert got.keys() == want.keys()
    assert sorted(got["cases"]) == sorted(want["cases"])
    for case_id, views in want["cases"].items():
        for name, view in views.items():
            assert got["cases"][case_id][name] == view, f"{store.name}: case {case_id}, {name} view differs"
    for name in want:
        assert got[name] == want[name], f"{store.name}: {name} differs"
