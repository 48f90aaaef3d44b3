"""Run the `muse` command as a separate process, on a temp database, the way a person would."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from pathlib import Path

MUSE = [sys.executable, "-m", "muse"]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A child environment on a temp database; no model unless `extra` says which."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("MUSE_", "SLACK_", "TELEGRAM_"))
    }
    env["MUSE_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}"
    env["MUSE_MODEL_PATH"] = str(tmp_path / "no-model")
    return env | extra


async def muse(
    env: Mapping[str, str], *args: str | bytes, stdin: str | bytes = "", cwd: Path | None = None
) -> tuple[int, str, str]:
    """Run `muse ARGS…` (bytes for arguments and input that are not UTF-8); returns exit code,
    stdout and stderr."""
    proc = await asyncio.create_subprocess_exec(
        *MUSE,
        *args,
        env=dict(env),
        cwd=cwd,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    data = stdin.encode() if isinstance(stdin, str) else stdin
    out, err = await asyncio.wait_for(proc.communicate(data), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()
