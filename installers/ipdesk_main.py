"""Entry point of the frozen app (PyInstaller): the same as the `ipdesk` command (the window, or a verb)."""
import multiprocessing
import sys

from app.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.argv[1:3] == ["-m", "app.models.audit_chain"]:    # audit --verify's second process (audit_chain.start)
        from app.models import audit_chain

        sys.exit(audit_chain.main(sys.argv[3:]))
    sys.exit(main())
