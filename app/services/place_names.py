"""An error's place in the reader's words: regions and indicators by name, not by catalogue code.

``IpdeskError.message()`` names the place by codes (``320800 · ABNORMAL_APPS · 2024: …``), which is
what logs, JSON and the CLI's machine output want. A clerk reads names: the window shows

>>> message(db, InputError("not_a_number", text="abc", region="320800",
...                        indicator="ABNORMAL_APPS", period="2024"), "zh")   # doctest: +SKIP
'淮安市·高价值发明专利中应扣除的非正常申请相关专利·2024：“abc”不是数字'

and keeps the codes for a tooltip (:func:`codes`). An unknown code is shown as it is.
"""
from __future__ import annotations

from app.models.errors import IpdeskError, one_line
from app.services.sheets.common import row_words

ALL_INDICATORS = {"zh": "全部指标", "en": "all indicators"}


def region_name(db, code: str | None, lang: str = "zh") -> str:
    """``320800`` → 淮安市 (Huai'an in English); the code itself when the store has no such region."""
    if not code:
        return ""
    row = db.execute("select name_zh, name_en from regions where code = ?", [code]).fetchone()
    if not row:
        return code
    return (row[1] or row[0]) if lang == "en" else row[0]


def indicator_name(db, code: str | None, lang: str = "zh") -> str:
    """``ABNORMAL_APPS`` → its name in the catalogue; ``*`` (a finding about the whole region-year) →
    全部指标; the code itself when unknown."""
    if not code:
        return ""
    if code == "*":
        return ALL_INDICATORS["en" if lang == "en" else "zh"]
    if code.startswith("task:"):              # an overdue task's finding: the task by its clause and first words
        from app.models.errors import NotFoundError
        from app.models.tasks import get_task, task_label

        try:
            return task_label(get_task(db, code[5:]), "en" if lang == "en" else "zh")
        except NotFoundError:
            return code
    row = db.execute("select name_zh, name_en from indicators where code = ?", [code]).fetchone()
    if not row:
        return code
    return (row[1] or row[0]) if lang == "en" else row[0]


def place(db, exc: IpdeskError, lang: str = "zh") -> str:
    """The place of ``exc`` with names: file · sheet · cell · region · indicator · period."""
    parts = [exc.file, exc.sheet, row_words(exc.cell, lang), region_name(db, exc.region, lang),
             indicator_name(db, exc.indicator, lang), exc.period]
    sep = "·" if lang == "zh" else " · "
    return sep.join(one_line(str(p)) for p in parts if p)


def message(db, exc: IpdeskError, lang: str = "zh") -> str:
    """``exc``'s one sentence with its place named for people (the window's refusals and status bar)."""
    body = exc.message(lang) if not exc.place() else IpdeskError(
        exc.code, text=exc.text, params=exc.params).message(lang)
    where = place(db, exc, lang)
    if not where:
        return body
    return f"{where}：{body}" if lang == "zh" else f"{where}: {body}"


def message_for_store(path, exc: IpdeskError, lang: str = "zh") -> str:
    """:func:`message` with the store at ``path`` opened read-only for the names (the command
    line's error line, where the verb's own connection is gone); ``exc.message()`` — the place by
    codes — in English, without a place, or when the store cannot be read."""
    import sqlite3
    from pathlib import Path

    if lang != "zh" or not (exc.region or exc.indicator or exc.cell):
        return exc.message(lang)
    path = Path(path)
    try:
        if not path.exists():
            return exc.message(lang)
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return exc.message(lang)
    try:
        return message(conn, exc, lang)
    except sqlite3.Error:
        return exc.message(lang)
    finally:
        conn.close()


def codes(exc: IpdeskError) -> str:
    """The same place by codes (for a tooltip or a log): ``320800 · ABNORMAL_APPS · 2024``."""
    return exc.place()
