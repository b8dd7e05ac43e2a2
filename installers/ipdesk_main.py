"""Entry point of the frozen app (PyInstaller): the same as the `ipdesk` command."""
import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
