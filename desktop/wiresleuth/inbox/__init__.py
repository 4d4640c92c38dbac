"""The helpdesk's inbox: receives bundles over HTTPS, indexes them, shows them to engineers.

A server for the helpdesk, never part of the desktop app: its libraries come with the
``inbox`` extra (``pip install 'wiresleuth[inbox]'``), the frozen app leaves this package
out, and no module of the core imports it (import-linter). docs/inbox.md describes it.
"""
