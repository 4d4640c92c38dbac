"""Ways of showing a run's findings to people: terminal text and a self-contained HTML page."""
