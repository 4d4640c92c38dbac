"""The ``.wsbundle``: a run's result as one zip a helpdesk receives and an engineer opens.

Members (see docs/bundle-format.md): manifest.json, report.json (a public API),
system.json, log.txt, report.html and, when packets were captured, capture.pcapng.
"""
