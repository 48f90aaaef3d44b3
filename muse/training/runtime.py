"""Where and how training runs: device, torchrun's process group, precision and compilation.

Every choice is guarded, so the same loop runs on a laptop CPU, a CPU with bf16 units, one GPU
and several GPUs under `torchrun` (which sets RANK, LOCAL_RANK and WORLD_SIZE).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist

log = logging.getLogger(__name__)

# Dense bf16 peak of the GPUs we know, for MFU (vendor datasheets, without sparsity).
PEAK_BF16_FLOPS = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12, "4090": 165e12}


@dataclass(frozen=True)
class Runtime:
    """One process's view: its device, its rank among `world` processes, its precision."""

    device: torch.device
    rank: int
    local_rank: int
    world: int
    bf16: bool

    @property
    def main(self) -> bool:
        """True in the process that logs and writes files."""
        return self.rank == 0

    def autocast(self) -> contextlib.AbstractContextManager[None]:
        """bf16 autocast when enabled, else nothing (fp32)."""
        if not self.bf16:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=torch.bfloat16)

    def describe(self) -> str:
        """Where this ran, for the model card: "NVIDIA H200 × 1, bf16" / "CPU, 2 threads, bf16"."""
        precision = "bf16" if self.bf16 else "fp32"
        if self.device.type == "cuda":
            return f"{torch.cuda.get_device_name(self.device)} × {self.world}, {precision}"
        return f"CPU, {torch.get_num_threads()} threads × {self.world}, {precision}"

    def peak_flops(self) -> float | None:
        """The device's bf16 peak in FLOP/s, when it is a GPU we know."""
        if self.device.type != "cuda":
            return None
        name = torch.cuda.get_device_name(self.device)
        return next((f for key, f in PEAK_BF16_FLOPS.items() if key in name), None)


def cpu_has_bf16() -> bool:
    """True when the CPU has native bf16 instructions (AVX512-BF16 or AMX), read from Linux's
    /proc/cpuinfo; elsewhere False, since emulated bf16 is slower than fp32."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def start(precision: str, threads: int | None = None) -> Runtime:
    """Join torchrun's process group when launched by it; pick the device and precision.

    `precision` is "auto" (bf16 where the hardware has it), "bf16" or "fp32"; `threads` sets
    torch's CPU threads for this process (None leaves torch's default).
    """
    if threads is not None:
        torch.set_num_threads(threads)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available():
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
        # TF32 matmuls for whatever stays in fp32 (Ampere and later).
        torch.backends.cuda.matmul.allow_tf32 = True
        has_bf16 = torch.cuda.is_bf16_supported()
    else:
        device = torch.device("cpu")
        has_bf16 = cpu_has_bf16()
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    bf16 = precision == "bf16" or (precision == "auto" and has_bf16)
    return Runtime(device, rank, local_rank, world, bf16)


def finish(runtime: Runtime) -> None:
    """Leave the process group (when there is one)."""
    if runtime.world > 1 and dist.is_initialized():
        dist.destroy_process_group()


def compiled(step: Callable[..., torch.Tensor], enabled: bool) -> Callable[..., torch.Tensor]:
    """`step` under torch.compile, falling back to eager if compiling fails on its first call.

    Compilation needs a working C++ toolchain (CPU) or Triton (GPU); without one it raises only
    when first run, hence the guard there.
    """
    if not enabled or not hasattr(torch, "compile"):
        return step
    fast = torch.compile(step)
    state = {"checked": False, "fn": fast}

    def run(*args: object, **kwargs: object) -> torch.Tensor:
        if state["checked"]:
            return state["fn"](*args, **kwargs)  # type: ignore[operator]
        try:
            out = fast(*args, **kwargs)
        except Exception as exc:  # the compiler's errors have no common base class
            log.warning("torch.compile failed (%s); training eagerly", exc)
            state["fn"] = step
            out = step(*args, **kwargs)
        state["checked"] = True
        return out

    return run
