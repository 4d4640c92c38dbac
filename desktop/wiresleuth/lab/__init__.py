"""The test lab: real namespaces, real servers and real faults that reproduce the field cases.

CI uses it to prove every diagnosis end to end; engineers use it by hand (``wiresleuth lab``).
Linux and root only; nothing here is imported by the product itself.
"""
