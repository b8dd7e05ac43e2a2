"""Entry point of the frozen app (PyInstaller): the same as the `ipdesk` command (the window, or a verb)."""
import multiprocessing
import sys

from app.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
