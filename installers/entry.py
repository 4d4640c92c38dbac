"""Entry point of the frozen app: the same ``main`` as ``python -m wiresleuth``.

Hardening comes first, before any library that reads the environment is imported (see
``installers.privileges``). ``freeze_support`` lets a frozen Windows/macOS app start
multiprocessing children (spawn re-executes this program) instead of a second application.
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
    multiprocessing.freeze_support()
    from wiresleuth.cli.main import main

    raise SystemExit(main())
