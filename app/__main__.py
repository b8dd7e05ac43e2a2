"""``ipdesk``, ``python -m app`` and the frozen app: the desktop window, or the command line.

Without a verb (``ipdesk``, ``ipdesk --demo``, ``ipdesk --self-test``) or with a file given
by a double click (``ipdesk 南京市2024.ipdx``) the window opens; with a verb
(``ipdesk check --region 320000 --year 2024``) :mod:`app.cli` runs it. The window is started
only from here: the command line never imports Qt (it starts fast and runs on a server).

Importing this module does nothing; ``main()`` does the work.
"""
from __future__ import annotations

import os
import sys

from app.models.messages import register, render

register({
    "no_display": ("ipdesk: no display to open the window on: run it in a desktop session, set "
                   "QT_QPA_PLATFORM=offscreen for 'ipdesk --self-test', or use the command line (ipdesk --help)",
                   "ipdesk：没有可用的显示器，无法打开窗口：请在桌面会话中运行；自检可设置 QT_QPA_PLATFORM=offscreen "
                   "后运行 ipdesk --self-test；或使用命令行（ipdesk --help）"),
})

EXIT_USAGE = 2
# a file given on the command line alone (a double click on a package, a template, a sheet) opens the window on it
OPENED_BY_DOUBLE_CLICK = (".ipdx", ".ipdq", ".xlsx", ".xls", ".csv")


def no_display(env=os.environ) -> bool:
    """True where Qt would abort for want of a display: Linux (X11/Wayland) with neither a display
    named nor a Qt platform chosen (``offscreen``, ``vnc``…). Windows and macOS always have one."""
    if not sys.platform.startswith("linux"):
        return False
    return not any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def opened_file(argv: list[str]) -> str | None:
    """The file a double click passes (``ipdesk FILE``), or None when ``argv`` is a command."""
    if argv and not argv[0].startswith("-") and \
            os.path.splitext(argv[0])[1].lower() in OPENED_BY_DOUBLE_CLICK and os.path.exists(argv[0]):
        return os.path.abspath(argv[0])
    return None


def window(*, db: str | None = None, demo: bool = False, self_test: bool = False, open_file: str | None = None) -> int:
    """Open the window (or run its offscreen self-test); exit code 2 with one line when there is no display."""
    if self_test:
        from app.ui.main import self_test as run_self_test     # offscreen by itself: no display needed

        return run_self_test()
    if no_display():
        print(render("no_display"), file=sys.stderr)
        return EXIT_USAGE
    from app.ui.main import run_gui

    return run_gui(db=db, demo=demo, open_file=open_file)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    path = opened_file(argv)
    if path:
        return window(open_file=path)
    from app import cli

    args = cli.build_parser().parse_args(argv)
    if args.verb:
        return cli.run(args)
    if args.lang:
        os.environ["IPDESK_LANG"] = args.lang
    return window(db=args.db, demo=args.demo, self_test=args.self_test)


if __name__ == "__main__":
    raise SystemExit(main())
