"""``python -m wiresleuth``."""

from wiresleuth.cli.main import main

raise SystemExit(main())
