"""`python -m pipedrive_tui` runs the app."""

from pipedrive_tui.cli import main

raise SystemExit(main())
