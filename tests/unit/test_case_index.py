"""The case list's index (services/reporting/case_index.py) over both read-store adapters: every condition of a
query, the keyset pages, the reader's scope, and a store written before the index existed."""

from __future__ import annotations

from datetime import date

from services.reporting.case_index import CASES, CaseQuery, index_row
from services.reporting.figures import item_past_due

TODAY = date(2026, 11, 20)


def case(n: int, *, point: str = "district", departments=("fgw",), status: str = "in_progress",
         enterprise: str = "91150303MA0N000011", due: str | None = None, paused: bool = False,
         concluded_on: str | None = None, submitted: str | None = None) -> dict:
    return {"case_id": f"BN{n:04d}", "status": status, "service_point": point, "enterprise": enterprise,
            "departments": list(departments), "submitted_at": f"2026-11-{n:02d}T09:00:00+08:00" if submitted is None else submitted,
            "opened_on": f"2026-11-{n:02d}", "concluded_on": concluded_on,
            "applicant": {"name": f"海南区示范企业{n}有限公司", "credit_code": enterprise},
            "unit": {"name": f"海南区示范企业{n}有限公司"}, "project": {"name": f"年产{n}万吨项目", "code": None},
            "items": [{"item_no": 2, "department": departments[0], "status": "accepted", "paused": paused,
                       "due_date": due}]}


CASES_ = [
    case(1, due="2026-11-10"),                                   # overdue on TODAY
    case(2, point="park", departments=("zjj", "fgw"), due="2026-11-30"),
    case(3, point="park", departments=("zjj",), enterprise="91150303MA0N000022", due="2026-11-12", paused=True),
    case(4, status="completed", due="2026-11-05", concluded_on="2026-11-15"),
    case(5, departments=("sthj",), due="2026-11-19"),            # overdue on TODAY
    case(6, submitted="", status="in_progress"),                 # no submission time known: listed last
]


def put(store, docs) -> None:
    with store.transaction() as unit:
        for doc in docs:
            unit.put(CASES, doc["case_id"], doc)


def ids(store, **conditions) -> tuple[int, list[str]]:
    total, docs = store.list_cases(CaseQuery(**{"today": TODAY, **conditions}))
    return total, [d["case_id"] for d in docs]


def test_the_list_is_newest_first_and_pages_by_keyset_and_by_offset(read_store):
    put(read_store, CASES_)
    put(read_store, [{"case_id": "BN9999", "items": []}])  # a document with no application yet: not listed
    assert ids(read_store) == (6, ["BN0005", "BN0004", "BN0003", "BN0002", "BN0001", "BN0006"])
    total, first = ids(read_store, limit=2)
    assert (total, first) == (6, ["BN0005", "BN0004"])
    last = read_store.get(CASES, first[-1])
    assert ids(read_store, limit=3, after=(last["submitted_at"], last["case_id"])) == (6, ["BN0003", "BN0002", "BN0001"])
    assert ids(read_store, limit=2, offset=4) == (6, ["BN0001", "BN0006"])
    assert ids(read_store, after=("", "BN0006")) == (6, [])


def test_every_condition_narrows_the_list_and_the_count(read_store):
    put(read_store, CASES_)
    assert ids(read_store, status="completed") == (1, ["BN0004"])
    assert ids(read_store, department="fgw") == (4, ["BN0004", "BN0002", "BN0001", "BN0006"])
    assert ids(read_store, department="zjj", service_point="park") == (2, ["BN0003", "BN0002"])
    assert ids(read_store, terms=("示范企业3",)) == (1, ["BN0003"])
    assert ids(read_store, terms=("年产", "bn000")) == (6, ["BN0005", "BN0004", "BN0003", "BN0002", "BN0001", "BN0006"])
    assert ids(read_store, submitted_from=date(2026, 11, 2), submitted_to=date(2026, 11, 4)) == (
        3, ["BN0004", "BN0003", "BN0002"])
    assert ids(read_store, submitted_to=date(2026, 11, 1)) == (1, ["BN0001"])  # the unknown submission is out
    # Overdue on TODAY: running, unpaused, due before today (the paused and the concluded are not).
    assert ids(read_store, overdue=True) == (2, ["BN0005", "BN0001"])
    assert ids(read_store, overdue=False)[0] == 4
    assert ids(read_store, overdue=True, today=date(2026, 11, 11)) == (1, ["BN0001"])


def test_the_readers_scope_is_a_condition_like_any_other(read_store):
    put(read_store, CASES_)
    assert ids(read_store, scope_department="zjj") == (2, ["BN0003", "BN0002"])
    assert ids(read_store, scope_department="zjj", department="fgw") == (1, ["BN0002"])
    assert ids(read_store, scope_service_point="park") == (2, ["BN0003", "BN0002"])
    assert ids(read_store, scope_enterprise="91150303MA0N000022") == (1, ["BN0003"])
    assert ids(read_store, nothing=True) == (0, [])


def test_a_rewritten_document_rewrites_its_row(read_store):
    put(read_store, CASES_)
    put(read_store, [{**CASES_[0], "status": "completed", "concluded_on": "2026-11-18"}])
    assert ids(read_store, overdue=True) == (1, ["BN0005"])
    assert ids(read_store, status="completed") == (2, ["BN0004", "BN0001"])


def test_a_store_written_before_the_index_is_indexed_when_opened(read_store_factory, tmp_path):
    store = read_store_factory("older")
    put(store, CASES_)
    _forget_index(store)
    assert ids(store) == (0, [])
    reopened = read_store_factory("older")
    assert ids(reopened)[0] == 6 and ids(reopened, overdue=True) == (2, ["BN0005", "BN0001"])


def _forget_index(store) -> None:
    """What a store of an earlier release holds: the documents, no index rows."""
    if hasattr(store, "_writer"):
        store._writer.execute("DELETE FROM case_index")
    else:
        store.loop.run(store.db["case_index"].delete_many({}), timeout=30)


def test_overdue_in_the_index_is_what_the_case_view_flags(read_store):
    """The list's ``overdue`` and the case view's 超期 items (``figures.item_past_due``) agree, day by day, for
    the cases as they stand (every day after the last thing that happened to them)."""
    put(read_store, CASES_)
    for day in (date(2026, 11, d) for d in range(16, 31)):
        flagged = {d["case_id"] for d in CASES_ if any(item_past_due(d, i, day) for i in d["items"])}
        assert set(ids(read_store, overdue=True, today=day)[1]) == flagged, day
    assert index_row({"case_id": "BN1", "items": []}) is None
