"""``python -m wiresleuth``."""

from wiresleuth.cli.main import main

if __name__ == "__main__":  # a spawned child (PAC sandbox) imports this module too
    raise SystemExit(main())
