"""The command line's parser in the user's language: argparse's own words in Chinese, help texts in
both languages, and a suggestion for a mistyped verb or option.

How argparse is localised: argparse looks its words up at run time through the module globals
``argparse._`` and ``argparse.ngettext`` (``from gettext import gettext as _, ngettext``). While one of
our parsers is built, parses or formats its help in Chinese, :func:`speaking` points those two
names at :data:`ARGPARSE_ZH` and puts them back afterwards — no argparse method is overridden, and
a word missing from the table stays English (``tests/test_cli_zh.py`` lists the ones that matter).

Help texts are given as ``(english, chinese)`` pairs (``add_argument(help=…)``, ``description=``,
``epilog=``, ``verb(name, func, help)``, ``parser.pick(...)`` for anything else); the
language is decided before the parser is built — ``--lang`` in argv, then ``IPDESK_LANG``, then
Chinese — and a parser built in the other language rebuilds itself when ``parse_args`` meets
``--lang``.
"""
from __future__ import annotations

import argparse
import difflib
import sys
from contextlib import contextmanager

EXIT_USAGE = 2

ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示帮助信息并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "须给出以下参数之一：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)":
        "无效的取值 %(value)r，您是否要输入 %(closest)r？（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unexpected option string: %s": "意外的选项 %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知命令 %(parser_name)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 错误：%(message)s\n",
    "subcommands": "命令",
    # an error line starts "ipdesk VERB: " in both languages (the program's name, as scripts and tools expect)
    # our own words said while parsing (type functions, the errors below)
    "%r is not a year": "“%s”不是年份",
    "%d is outside 1990–2100": "%d 不在 1990–2100 之间",
    "unknown command %r; did you mean %s?": "未知命令“%s”，您是否要输入 %s？",
    "unknown command %r": "未知命令“%s”",
    "unknown option %r; did you mean %s?": "未知选项“%s”，您是否要输入 %s？",
    "unknown option %r": "未知选项“%s”",
    "%(prog)s: %(message)s (see %(prog)s --help)": "%(prog)s: %(message)s（见 %(prog)s --help）",
    "%(prog)s: %(message)s": "%(prog)s: %(message)s",
}


def word(msgid: str) -> str:
    """argparse's word for ``msgid`` in the language being spoken (our own words too)."""
    return argparse._(msgid)


def said(msgid: str, *values) -> str:
    """``word(msgid) % values``: the English quotes with %r, the Chinese with “%s”."""
    return word(msgid) % values


@contextmanager
def speaking(lang: str):
    """argparse speaks ``lang`` inside the block (see the module's docstring)."""
    if lang != "zh":
        yield
        return
    saved = argparse._, getattr(argparse, "ngettext", None)
    argparse._ = lambda s: ARGPARSE_ZH.get(s, s)
    argparse.ngettext = lambda s, p, n: ARGPARSE_ZH.get(s if n == 1 else p, s if n == 1 else p)
    try:
        yield
    finally:
        argparse._ = saved[0]
        if saved[1] is None:
            del argparse.ngettext
        else:
            argparse.ngettext = saved[1]


def peek_lang(argv) -> str | None:
    """``--lang en`` / ``--lang=en`` anywhere before ``--``, or None."""
    argv = list(argv)
    for i, tok in enumerate(argv):
        if tok == "--":
            break
        value = argv[i + 1] if tok == "--lang" and i + 1 < len(argv) else tok[7:] if tok.startswith("--lang=") else None
        if value in ("zh", "en"):
            return value
    return None


def choose_lang(argv=None) -> str:
    from app.models.messages import default_lang

    return peek_lang(sys.argv[1:] if argv is None else argv) or default_lang()


class Parser(argparse.ArgumentParser):
    """argparse in the user's language; a usage error is one line on stderr and exit code 2."""

    def __init__(self, *args, lang: str = "zh", rebuild=None, **kwargs):
        self.lang = lang
        self._rebuild = rebuild         # the top parser: how to build it again in another language
        self.verbs: dict | None = None  # the top parser: verb → subparser
        for key in ("description", "epilog", "usage"):
            if key in kwargs:
                kwargs[key] = self.pick(kwargs[key])
        with speaking(lang):
            super().__init__(*args, **kwargs)

    def pick(self, text):
        """``(english, chinese)`` → the one for this parser's language; a plain string as it is."""
        if isinstance(text, tuple):
            return text[0] if self.lang == "en" else text[1]
        return text

    def add_argument(self, *args, **kwargs):
        if isinstance(kwargs.get("help"), tuple):       # (english, chinese); a metavar tuple is argparse's own
            kwargs["help"] = self.pick(kwargs["help"])
        return super().add_argument(*args, **kwargs)

    # ------------------------------------------------------------ speaking

    def _in_lang(self, args):
        """The top parser built again when ``args`` ask for the other language, else this one."""
        wanted = peek_lang(args)
        return self._rebuild(lang=wanted) if self._rebuild and wanted and wanted != self.lang else self

    def parse_args(self, args=None, namespace=None):
        args = list(sys.argv[1:] if args is None else args)
        parser = self._in_lang(args)
        with speaking(parser.lang):          # parse_args says "unrecognized arguments" itself
            return argparse.ArgumentParser.parse_args(parser, args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        args = list(sys.argv[1:] if args is None else args)
        parser = self._in_lang(args)
        if parser is not self:
            return parser.parse_known_args(args, namespace)
        with speaking(self.lang):
            self._refuse_unknown(args)
            return super().parse_known_args(args, namespace)

    def format_usage(self):
        with speaking(self.lang):
            return super().format_usage()

    def format_help(self):
        with speaking(self.lang):
            text = super().format_help()
        if self.lang == "zh":     # argparse puts an ASCII colon after a section's heading
            for heading in ("位置参数", "选项", "命令"):
                text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text

    def error(self, message):
        with speaking(self.lang):
            line = word("%(prog)s: %(message)s (see %(prog)s --help)") % {"prog": self.prog, "message": message}
        self.fail(line)

    def fail(self, line: str):
        sys.stderr.write(line.replace("\n", " ") + "\n")
        raise SystemExit(EXIT_USAGE)

    # ------------------------------------------------------------ suggestions

    def _known(self, name: str):
        """The action of option ``name`` (exactly, or a prefix argparse would accept), else None."""
        found = self._option_string_actions.get(name)
        if found is not None or not self.allow_abbrev or not name.startswith("--"):
            return found
        prefixed = [a for o, a in self._option_string_actions.items() if o.startswith(name)]
        return prefixed[0] if prefixed else None

    def _unknown_option(self, name: str):
        options = [o for o in self._option_string_actions if o.startswith("--")]
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        message = said("unknown option %r; did you mean %s?", name, close[0]) if close else \
            said("unknown option %r", name)
        self.fail(word("%(prog)s: %(message)s") % {"prog": self.prog, "message": message} if close else
                  word("%(prog)s: %(message)s (see %(prog)s --help)") % {"prog": self.prog, "message": message})

    def _refuse_unknown(self, args: list[str]) -> None:
        """A mistyped ``--option`` or verb is named with the closest right one, before argparse would
        report something else (``--yaer 2024`` as "--year is required")."""
        i = 0
        while i < len(args):
            tok = args[i]
            if tok == "--":
                return
            if tok.startswith("-") and len(tok) > 1:
                name = tok.split("=", 1)[0]
                action = self._known(name) if " " not in name else None
                if action is None and name.startswith("--") and " " not in name and \
                        not (self.verbs is None and self._subparsers is not None):
                    self._unknown_option(name)
                if self.verbs is not None and action is not None and action.nargs is None and "=" not in tok:
                    i += 1      # the top parser: skip the option's value, to find the verb
            elif self.verbs is not None:
                if tok not in self.verbs:
                    close = difflib.get_close_matches(tok, list(self.verbs), n=1, cutoff=0.6)
                    if close:
                        self.fail(word("%(prog)s: %(message)s") % {
                            "prog": self.prog, "message": said("unknown command %r; did you mean %s?", tok, close[0])})
                    self.fail(word("%(prog)s: %(message)s (see %(prog)s --help)") % {
                        "prog": self.prog, "message": said("unknown command %r", tok)})
                return
            i += 1


class Version(argparse.Action):
    """``ipdesk --version``: the app's version, where the data lives, and the store's schema."""

    def __call__(self, parser, namespace, values, option_string=None):
        import os
        import sqlite3

        from app import __version__
        from app.models.db import SCHEMA_VERSION, default_path

        en = getattr(parser, "lang", "zh") == "en"
        path = default_path() if not getattr(namespace, "db", None) else namespace.db
        lines = [f"ipdesk {__version__}", (f"data directory: {os.path.dirname(os.path.abspath(path))}" if en else
                                           f"数据目录：{os.path.dirname(os.path.abspath(path))}"),
                 f"schema: {SCHEMA_VERSION} (this ipdesk)" if en else f"数据库结构版本：{SCHEMA_VERSION}（本程序）"]
        if os.path.exists(path):
            try:
                con = sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)
                found = con.execute("select value from meta where key = 'schema_version'").fetchone()
                con.close()
                lines.append(f"store: {path} (schema {found[0] if found else '?'})" if en else
                             f"数据库：{path}（结构版本 {found[0] if found else '?'}）")
            except sqlite3.Error as exc:
                lines.append(f"store: {path} (unreadable: {exc})" if en else f"数据库：{path}（无法读取：{exc}）")
        else:
            lines.append(f"store: {path} (not created yet)" if en else f"数据库：{path}（尚未创建）")
        print("\n".join(lines))
        parser.exit()
