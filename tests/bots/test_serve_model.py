"""`muse serve-model` as its own process, and `muse ask` talking to it through MUSE_MODEL_URL."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from pathlib import Path

import httpx

from tests.muse_process import MUSE, environment, muse


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_until_healthy(url: str, server: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            assert server.returncode is None, "serve-model exited early"
            try:
                if (await http.get(url + "/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("serve-model never became healthy")


async def test_ask_uses_a_served_model_and_the_server_stops_on_sigterm(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    port = free_port()
    env = environment(tmp_path)
    server = await asyncio.create_subprocess_exec(
        *MUSE,
        "serve-model",
        "--model",
        str(tiny_model_dir),
        "--port",
        str(port),
        "--name",
        "muse-tiny",
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        await wait_until_healthy(root, server)
        code, out, err = await muse(
            env | {"MUSE_MODEL_URL": root + "/v1"}, "ask", "--json", "你好", cwd=tmp_path
        )
        assert code == 0, err
        assert json.loads(out)["text"].strip()
        async with httpx.AsyncClient() as http:
            models = (await http.get(root + "/v1/models")).json()
            served = (await http.get(root + "/metrics")).text
        assert models["data"][0]["id"] == "muse-tiny"
        assert "muse_generated_tokens_total 0\n" not in served
    finally:
        if server.returncode is None:
            server.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(server.communicate(), timeout=60)
    assert server.returncode == 0, stderr.decode()
    assert f"Serving muse-tiny on {root}/v1" in stderr.decode()


async def test_serve_model_without_a_model_says_how_to_get_one(tmp_path: Path) -> None:
    code, _, err = await muse(environment(tmp_path), "serve-model", cwd=tmp_path)
    assert code == 2 and "muse train all" in err and "Traceback" not in err
