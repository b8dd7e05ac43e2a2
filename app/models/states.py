"""The region-year workflow states, light enough for the window's first paint.

>>> STATUS_ZH["submitted"], "approved" in LOCKED_STATES
('已报送', True)
"""
from __future__ import annotations

STATES = ("draft", "complete", "submitted", "approved", "locked")
LOCKED_STATES = ("approved", "locked")
ROLE_ZH = {"clerk": "填报员", "head": "单位负责人"}
STATUS_ZH = {"draft": "草稿", "complete": "已完成", "submitted": "已报送", "approved": "已审批", "locked": "已锁定"}


def status_label(status: str, lang: str = "zh") -> str:
    return STATUS_ZH.get(status, status) if lang == "zh" else status


def region_year_status(db, region: str, year: int) -> str:
    """``draft`` unless the region-year has moved on."""
    row = db.execute("select status from region_years where region = ? and year = ?", [region, year]).fetchone()
    return row[0] if row else "draft"


# The audit trail's actions in words, (en, zh): the token stays in the trail, JSON and logs.
ACTION_WORDS = {
    "set": ("entered", "填报"), "import": ("imported", "导入"), "receive": ("received", "接收"),
    "aggregate": ("summed up", "汇总"), "delete": ("cleared", "清除"), "explain": ("explained", "说明"),
    "status": ("status changed", "状态变更"), "unlock": ("unlocked", "解锁"), "override": ("let go ahead", "放行"),
    "reopen": ("sent back to draft", "退回草稿"), "target_add": ("target added", "添加目标"),
    "target_edit": ("target changed", "修改目标"), "target_import": ("target pack imported", "导入目标包"),
    "region_tree": ("region tree changed", "地区层级变更"), "region_add": ("region added", "添加地区"),
    "keep_mine": ("own value kept", "保留本单位的值"), "user_add": ("user added", "添加用户"),
    "user_passwd": ("password changed", "修改密码"), "user_role": ("role changed", "修改角色"),
    "auth_failed": ("wrong password", "密码错误"), "rehash": ("password re-hashed", "密码重新加密"),
    "query": ("question sent", "发出问题"), "query_in": ("question received", "收到问题"),
    "answer": ("answered", "答复"), "answer_in": ("answer received", "收到答复"),
    "accept_package": ("package accepted", "受理数据包"), "export_package": ("package exported", "导出数据包"),
    "return_package": ("package returned", "退回数据包"), "receive_gap": ("package missing", "数据包缺号"),
    "progress": ("progress recorded", "记录推进情况"), "report_text": ("report text set", "设置报告文字"),
    "task_add": ("task added", "添加任务"), "task_assign": ("task assigned", "分派任务"),
    "task_import": ("tasks imported", "导入任务清单"), "trust_add": ("sender trusted", "添加受信任发送方"),
    "trust_remove": ("sender removed", "移除受信任发送方"), "trust_retire": ("sender key retired", "停用发送方密钥"),
    "trust_scope": ("sender's regions changed", "修改发送方地区范围"), "rotate_key": ("key replaced", "更换密钥"),
    # what a refused head tried (auth_failed rows keep it as their new value)
    "approve": ("approve", "审批"), "complete": ("mark complete", "标记为已完成"), "submit": ("submit", "报送"),
}


def action_label(action: str, lang: str = "zh") -> str:
    """``import`` → 导入 (imported); an unknown action as it is.

    >>> action_label("set"), action_label("status", "en"), action_label("something_new")
    ('填报', 'status changed', 'something_new')
    """
    pair = ACTION_WORDS.get(action)
    return (pair[1] if lang == "zh" else pair[0]) if pair else action


def reason_label(why: str | None, lang: str = "zh") -> str:
    """A reason the app itself wrote into the trail, in words (a person's reason as written):

    >>> reason_label("changed after complete"), reason_label("aggregated from subordinate regions")
    ('“已完成”后数值被修改，退回草稿', '由下级地区汇总')
    >>> reason_label("why_needed")        # a refusal's code, as auth_failed rows keep it
    '请填写原因（将记入审计记录）'

    """
    why = why or ""
    if lang != "zh":
        return why
    if why.startswith("changed after "):
        return f"“{status_label(why[len('changed after '):])}”后数值被修改，退回草稿"
    if why.startswith("aggregated from subordinate regions"):
        return "由下级地区汇总" + ("，替换本级自填数" if "replacing" in why else "")
    from .messages import MESSAGES, render

    return render(why, lang) if why in MESSAGES else why
