"""Material the engine itself gathers, apart from any wizard."""

from __future__ import annotations

import asyncio
from typing import Any

from wiresleuth.wizards.loading import load


async def collect_system_info() -> dict[str, Any]:
    """system.json contents, gathered off the loop (it reads files and runs commands); its
    modules load in the loading thread, after what was asked for before (imported on the
    loop, they held it 0.03-0.05 s while the run's lookups and set-up waited to start)."""
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wrap_future(load(_load))
        return await loop.run_in_executor(None, _collect)
    except Exception as exc:  # the platform layer promises not to raise; keep the run anyway
        return {"errors": [f"system information failed: {type(exc).__name__}: {exc}"]}


def _load() -> None:
    import wiresleuth.platform.system_info  # noqa: F401


def _collect() -> dict[str, Any]:
    from wiresleuth.platform.system_info import collect_system

    return collect_system()
