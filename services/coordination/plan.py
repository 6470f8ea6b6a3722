"""The declaration plan (项目申报计划): validation, ordering and plan-against-actual (pure)."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from shared.errors import Invalid


def normalise_plan(steps: list[dict], delegated: dict[int, int]) -> list[dict]:
    """Checked steps ordered by engineering stage, dependencies first, then planned start.

    ``delegated`` maps each delegated item number to its stage.  Raises Invalid (422) naming the
    step when a step names an undelegated item, repeats one, waits for an item outside the
    plan, finishes before it starts, or when the dependencies form a cycle.
    """
    seen: set[int] = set()
    for i, step in enumerate(steps):
        no = step["item_no"]
        if no not in delegated:
            raise Invalid(f"事项{no}不是本案件的委托事项（委托事项：{sorted(delegated)}）", field=f"steps.{i}.item_no")
        if no in seen:
            raise Invalid(f"事项{no}在计划中重复出现", field=f"steps.{i}.item_no")
        seen.add(no)
    for i, step in enumerate(steps):
        outside = [n for n in step.get("after", []) if n not in seen]
        if outside:
            raise Invalid(f"事项{step['item_no']}所等待的事项{outside}不在本计划中", field=f"steps.{i}.after")
        if step["item_no"] in step.get("after", []):
            raise Invalid(f"事项{step['item_no']}不能等待自身", field=f"steps.{i}.after")
        start, finish = step.get("planned_start"), step.get("planned_finish")
        if start and finish and finish < start:
            raise Invalid("计划完成日期早于计划开始日期", field=f"steps.{i}.planned_finish")
    graph = {s["item_no"]: set(s.get("after", [])) for s in steps}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle = " → ".join(str(n) for n in exc.args[1])
        raise Invalid(f"事项之间的先后关系存在循环：{cycle}", field="steps") from None
    by_no = {s["item_no"]: s for s in steps}
    for i, step in enumerate(steps):
        for n in step.get("after", []):
            before, this = by_no[n].get("planned_finish"), step.get("planned_start")
            if before and this and this < before:
                raise Invalid(f"事项{step['item_no']}计划开始日期早于其所等待的事项{n}的计划完成日期",
                              field=f"steps.{i}.planned_start")
    return _ordered([{
        "item_no": s["item_no"], "stage": delegated[s["item_no"]], "planned_start": s.get("planned_start"),
        "planned_finish": s.get("planned_finish"), "after": sorted(set(s.get("after", []))),
    } for s in steps])


def _ordered(steps: list[dict]) -> list[dict]:
    """Stage first; within it, an item after the items it waits for; then by planned start."""
    depth: dict[int, int] = {}
    by_no = {s["item_no"]: s for s in steps}

    def level(no: int) -> int:
        if no not in depth:
            depth[no] = 1 + max((level(n) for n in by_no[no]["after"]), default=0)
        return depth[no]

    return sorted(steps, key=lambda s: (s["stage"], level(s["item_no"]), s["planned_start"] or "9999", s["item_no"]))


def plan_vs_actual(plan: dict | None, items: dict[int, dict]) -> list[dict]:
    """One row per delegated item: planned dates (if planned) beside the actual ones."""
    steps = {s["item_no"]: s for s in (plan or {}).get("steps", [])}
    rows = []
    order = [s["item_no"] for s in (plan or {}).get("steps", [])] + sorted(n for n in items if n not in steps)
    for no in order:
        item, step = items[no], steps.get(no, {})
        finish, actual = step.get("planned_finish"), item.get("concluded_on")
        rows.append({
            "item_no": no, "planned": bool(step), "stage": item["stage"], "after": step.get("after", []),
            "planned_start": step.get("planned_start"), "planned_finish": finish,
            "actual_start": item.get("filed_on"), "actual_finish": actual, "status": item["status"],
            "behind_plan": bool(finish and (actual or item["today"]) > finish),
        })
    return rows
