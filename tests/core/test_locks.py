import asyncio

from muse.core.locks import KeyedLocks


async def test_same_key_runs_one_at_a_time_other_keys_concurrently() -> None:
    locks = KeyedLocks()
    running: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}
    overlap = asyncio.Event()

    async def work(key: str) -> None:
        async with locks.hold(key):
            running[key] += 1
            peak[key] = max(peak[key], running[key])
            if running["a"] and running["b"]:
                overlap.set()
            await asyncio.sleep(0.01)
            running[key] -= 1

    await asyncio.gather(*(work(k) for k in "abababab"))
    assert peak == {"a": 1, "b": 1}
    assert overlap.is_set()
    assert len(locks) == 0


async def test_waiters_run_in_arrival_order() -> None:
    locks = KeyedLocks()
    order: list[int] = []

    async def work(i: int) -> None:
        async with locks.hold("k"):
            order.append(i)
            await asyncio.sleep(0)

    await asyncio.gather(*(work(i) for i in range(5)))
    assert order == [0, 1, 2, 3, 4]
