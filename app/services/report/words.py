"""How the documents word what the checks and the workflow say: finding categories and rules,
the state a document prints, and a finding named for people (region and indicator by their
Chinese names, never a catalogue code or a rule id).

>>> state_text("approved", True), state_text("approved", False), state_text("submitted", False)
('已审批', '审批后仍有未解决问题', '已报送')
"""
from __future__ import annotations

from app.models.findings import ALL_INDICATORS as _ALL, subject_name
from app.models.states import LOCKED_STATES
from app.models.states import STATUS_ZH as WORKFLOW_ZH

SEVERITY_ZH = {"blocking": "阻断", "explain": "需说明", "info": "提示"}
RULE_ZH = {"range": "取值范围", "le": "部分大于整体", "derived": "计算值不符", "required": "必填缺失",
           "yoy": "同比变化异常", "outlier": "历史变化异常", "sum": "与下级合计不符", "falling": "不增反降",
           "benford": "首位数字分布", "task_overdue": "任务逾期未完成"}
ALL_INDICATORS = {rule: zh for rule, (zh, _en) in _ALL.items()}   # findings on indicator "*"
DRAFT_MARK = "草稿（不得作为正式报送）"      # on every page / sheet of a document that is not final
FINAL_MARK = "正式报送件"
UNSETTLED = "审批后仍有未解决问题"            # an approved region-year whose document is not final
OPEN_LISTED = 10                           # unresolved findings named on the cover (then "等共 N 项")


def state_text(status: str, final: bool) -> str:
    """The workflow state as a document prints it: 已审批 / 已锁定 only when ``final``.

    The state is the workflow state at export (``review.document_state``); an approved or
    locked region-year whose document is not final does not print 已审批 / 已锁定.
    """
    if status in LOCKED_STATES and not final:
        return UNSETTLED
    return WORKFLOW_ZH.get(status, status)


def finding_label(f, region_names: dict[str, str], catalogue, lang: str = "zh") -> str:
    """A finding named for people: ``南京市·发明专利授权量：同比变化异常（需说明，未说明）``,
    ``南京市·任务 4(9)：任务逾期未完成（需说明，未说明）`` (no codes)."""
    region = region_names.get(f.region, f.region)
    ind = subject_name(f, catalogue, lang)
    if lang != "zh":
        what = "blocking" if f.severity == "blocking" else "not explained"
        return f"{region} · {ind}: {f.rule} ({what})"
    what = "阻断，须修正" if f.severity == "blocking" else "需说明，未说明"
    return f"{region}·{ind}：{RULE_ZH.get(f.rule, '数据核查')}（{what}）"
