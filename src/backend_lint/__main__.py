"""``python -m backend_lint`` runs the command line."""

from backend_lint.cli import main

raise SystemExit(main())
