"""``python -m app`` does what the ``ipdesk`` command does."""
from app.cli import main

raise SystemExit(main())
