"""One sentence per error/finding code, in English and Simplified Chinese.

Each module registers the codes it raises beside its own code::

    register({"not_a_number": ("{text!r} is not a number", "“{text}”不是数字")})

``render(code, lang, **params)`` fills the template; unknown codes fall back to the code
itself so that nothing is ever swallowed.
"""
from __future__ import annotations

import os

MESSAGES: dict[str, tuple[str, str]] = {
    # codes shared by several modules
    "why_needed": ("say why (a reason is recorded in the audit trail)", "请填写原因（将记入审计记录）"),
    "user_needed": ("name the office head with --user", "请用 --user 指明单位负责人"),
    "store_missing": ("no store at {text}: create one with 'ipdesk demo' or by entering a value",
                      "找不到数据库 {text}：可用“ipdesk demo”创建，或先填报一个数值"),
}


def register(entries: dict[str, tuple[str, str]]) -> None:
    for code, pair in entries.items():
        if code in MESSAGES and MESSAGES[code] != pair:
            raise ValueError(f"message code {code!r} registered twice with different text")
        MESSAGES[code] = pair


def default_lang() -> str:
    """``IPDESK_LANG`` (zh/en) wins; Chinese is the default."""
    lang = os.environ.get("IPDESK_LANG", "zh").lower()
    return "en" if lang.startswith("en") else "zh"


class _Safe(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render(code: str, lang: str | None = None, /, **params) -> str:
    lang = lang or default_lang()
    pair = MESSAGES.get(code)
    if pair is None:
        extra = ", ".join(f"{k}={v!r}" for k, v in params.items() if v is not None)
        return f"{code} ({extra})" if extra else code
    template = pair[1] if lang == "zh" else pair[0]
    return template.format_map(_Safe({k: ("" if v is None else v) for k, v in params.items()}))
