"""What every wizard shares: jobs side by side, one of them awaited in place."""

from __future__ import annotations

import asyncio

from wiresleuth.wizards.base import side_by_side


def test_one_job_runs_in_place_and_several_side_by_side() -> None:
    async def which_task() -> asyncio.Task[object] | None:
        return asyncio.current_task()

    async def main() -> tuple[object, list[object], list[object]]:
        me = asyncio.current_task()
        one = await side_by_side([which_task()])
        several = await side_by_side([which_task(), which_task()])
        return me, one, several

    me, one, several = asyncio.run(main())
    assert one == [me]  # no task made: it started at once, not after the loop's ready work
    assert me not in several and several[0] is not several[1]
    assert asyncio.run(_none()) == []


async def _none() -> list[object]:
    return await side_by_side([])
