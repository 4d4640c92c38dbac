"""Guided checks: what each contacts and how it runs its probes. A wizard is three things:
its probe (here), its observations (a ``model`` type, saved in the bundle and read back typed)
and its interpretation (``diagnosis.interpretations``). New wizards register in
``registry.py`` and their interpretations in ``diagnosis/registry.py``."""
