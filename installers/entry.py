"""Entry point of the frozen app: the same ``main`` as ``python -m wiresleuth``.

It first refuses to run with rights its user does not have (``installers.privileges``):
that check must come before ``freeze_support``, which runs the code of multiprocessing's
helper command lines. ``freeze_support`` lets a frozen Windows/macOS app start
multiprocessing children (spawn re-executes this program) instead of a second application.
Started with ``CHILD_ARGUMENT`` alone, the program is the PAC evaluator child
(``wiresleuth.probes.pac_sandbox``): it confines itself and reads one script on stdin.
"""

import multiprocessing
import sys

from installers.privileges import refusal

if __name__ == "__main__":
    refused = refusal(sys.executable)
    if refused is not None:
        print(refused, file=sys.stderr)
        raise SystemExit(2)
    from wiresleuth.probes.pac_sandbox_child import CHILD_ARGUMENT

    if sys.argv[1:] == [CHILD_ARGUMENT]:
        from wiresleuth.probes.pac_sandbox_child import main as pac_child

        raise SystemExit(pac_child())
    multiprocessing.freeze_support()
    from wiresleuth.cli.main import main

    raise SystemExit(main())
