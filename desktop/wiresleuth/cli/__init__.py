"""Command-line front end: thin, over the same engine as the window."""
