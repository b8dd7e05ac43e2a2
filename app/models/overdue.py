"""Overdue tasks as findings: the rule, loaded for many regions and years in one pass.

    found = overdue_findings(db, ["320100", "320200"], [2022], today=date(2023, 1, 5))
    found[("320100", 2022)]        # [Finding(rule="task_overdue", severity="explain", indicator="task:G2022-4.9.3", ...)]

A task is overdue for a region when it applies to the region (:mod:`app.models.tasks`), the date it is
due for the region (its assignment there, else its own) is before ``today``, and its latest progress
is neither 已完成 nor 取消 (:func:`app.models.task_basics.is_overdue`). Due on ``today`` is not overdue.
The explanation's writer is :func:`app.models.tasks.explain_overdue`, reached through :func:`app.models.review.explain`.

The findings of a region-year come from :func:`app.models.findings.findings` only — the window, ``check``,
the review rules and the documents ask there; this module is its loader (a handful of queries whatever
the number of regions, so a nation's store is checked at the cost of a few milliseconds).
"""
from __future__ import annotations

from datetime import date

from .task_basics import _COLS, RULE_OVERDUE, STATE_ZH, Task, is_overdue, period_key, task_indicator

IN_LIMIT = 500            # regions named in an IN (...) list; more: read every row and filter here


def _in(items) -> str:
    return ",".join("?" * len(items))


def overdue_findings(db, regions, years, today: date | None = None) -> dict[tuple[str, int], list]:
    """``{(region, year): [Finding, ...]}`` of the overdue tasks of ``regions`` in ``years`` (only
    region-years with an overdue task appear). ``today`` defaults to the date today."""
    from .checks import Finding

    years = sorted({int(y) for y in years})
    regions = list(dict.fromkeys(regions))
    if not years or not regions:
        return {}
    today_s = (today or date.today()).isoformat()
    tasks = [Task(*r) for r in db.execute(f"select {_COLS} from tasks where year in ({_in(years)}) order by rowid",
                                          years)]
    if not tasks:
        return {}
    few = len(regions) <= IN_LIMIT
    wanted = set(regions)
    where_r = f" and region in ({_in(regions)})" if few else ""
    args_r = regions if few else []
    level = dict(db.execute(f"select code, level from regions where code in ({_in(regions)})", regions) if few
                 else db.execute("select code, level from regions"))
    by_id = {t.id: t for t in tasks}
    order = {t.id: n for n, t in enumerate(tasks)}
    # guideline tasks by scope; own tasks by owner; tasks assigned to a region (the earliest date)
    guide: dict[tuple[int, str], list[Task]] = {}
    own: dict[tuple[int, str], list[Task]] = {}
    for t in tasks:
        if t.owner is None:
            guide.setdefault((t.year, t.scope), []).append(t)
        elif t.owner in wanted:
            own.setdefault((t.year, t.owner), []).append(t)
    assigned: dict[tuple[str, str], str] = {}
    for task, to, due in db.execute(
            f"select a.task, a.assignee, min(a.due) from task_assignments a join tasks t on t.id = a.task"
            f" where a.kind = 'region' and t.year in ({_in(years)})" + (f" and a.assignee in ({_in(regions)})"
                                                                       if few else "")
            + " group by a.task, a.assignee", years + (regions if few else [])):
        if to in wanted:
            assigned[(task, to)] = due
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    for task, region, period, state in db.execute(
            f"select task, region, period, state from task_progress where year in ({_in(years)}){where_r}",
            years + args_r):
        key = (task, region)
        if key not in latest or period_key(period) > period_key(latest[key][0]):
            latest[key] = (period, state)
    explained = {(r, ind, p): text for r, ind, p, text in db.execute(
        f"select region, indicator, period, text from explanations where rule = ? and period in ({_in(years)})"
        + where_r, [RULE_OVERDUE] + [str(y) for y in years] + args_r)}
    mine: dict[str, list[str]] = {}
    for task, to in assigned:
        mine.setdefault(to, []).append(task)

    short = {t.id: (t.short(), t.place or "本级任务", t.document_zh or None, t.clause or None, task_indicator(t.id))
             for t in tasks}
    task_years = sorted({t.year for t in tasks})
    common = {(y, nation): [t for s in (("all", "national") if nation else ("all", "local")) for t in guide.get((y, s), ())]
              for y in task_years for nation in (False, True)}
    not_started = STATE_ZH["not_started"]
    out: dict[tuple[str, int], list] = {}
    for region in regions:
        lv = level.get(region)
        if lv is None:
            continue
        for year in task_years:
            here = common[(year, lv == "nation")]
            extra = own.get((year, region), []) + [by_id[tid] for tid in mine.get(region, ()) if by_id[tid].year == year]
            if extra:
                here = sorted({t.id: t for t in here + extra}.values(), key=lambda t: order[t.id])
            found = []
            y = str(year)
            for t in here:
                due = assigned.get((t.id, region), t.due)
                if due >= today_s:                     # (most tasks, most days: not even looked at)
                    continue
                state = latest.get((t.id, region))
                state = state and state[1]
                if not is_overdue(due, state, today_s):
                    continue
                text, place, document, clause, ind = short[t.id]
                found.append(Finding(region, ind, y, "explain", RULE_OVERDUE, "task_overdue",
                                     {"task": text, "place": place, "due": due,
                                      "state": STATE_ZH[state] if state else not_started},
                                     document, clause, explained.get((region, ind, y))))
            if found:
                out[(region, year)] = found
    return out
