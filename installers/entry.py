"""Entry point of the frozen app: the same ``main`` as ``python -m wiresleuth``.

Hardening comes first, before any library that reads the environment is imported (see
``installers.privileges``). ``freeze_support`` lets a frozen Windows/macOS app start
multiprocessing children (spawn re-executes this program) instead of a second application.
Started with ``CHILD_ARGUMENT`` alone, the program is the PAC evaluator child
(``wiresleuth.probes.pac_sandbox``): it confines itself and reads one script on stdin.
"""

import multiprocessing
import os
import sys

from installers.privileges import harden

if __name__ == "__main__":
    refusal = harden(os.environ, sys.argv[1:])
    if refusal is not None:
        print(refusal, file=sys.stderr)
        raise SystemExit(2)
    from wiresleuth.probes.pac_sandbox_child import CHILD_ARGUMENT

    if sys.argv[1:] == [CHILD_ARGUMENT]:
        from wiresleuth.probes.pac_sandbox_child import main as pac_child

        raise SystemExit(pac_child())
    multiprocessing.freeze_support()
    from wiresleuth.cli.main import main

    raise SystemExit(main())
