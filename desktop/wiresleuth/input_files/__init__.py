"""Reading files a user (or a stranger) hands us: regular files only, bounded, and cleaned up.

``regular``: open a named file without blocking and refuse FIFOs, devices, sockets and
folders. ``json_limits``: JSON decoding that refuses deep nesting, huge numbers and too many
values before they cost memory. ``extract_folders``: per-process temporary folders for
extracted members, removed on exit and, after a crash or a kill, at the next start.
"""
