"""Material the engine itself gathers, apart from any wizard."""

from __future__ import annotations

import asyncio
from typing import Any


async def collect_system_info() -> dict[str, Any]:
    """system.json contents, gathered off the loop (it reads files and runs commands)."""
    from wiresleuth.platform.system_info import collect_system

    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(None, collect_system)
    except Exception as exc:  # the platform layer promises not to raise; keep the run anyway
        return {"errors": [f"system information failed: {type(exc).__name__}: {exc}"]}
