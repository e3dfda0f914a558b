"""Build and run bench/ceiling/ceiling.c: the library's own limit.

It is compiled against the same mbedTLS tree (.cache/src/mbedtls) with the
same configuration as the unix firmware (ports/unix + ports/common) and the
firmware's optimisation level (-Os), but on libc malloc and with no
MicroPython, so it shows what the module could reach at best.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import paths, sources
from ..build import BuildError, jobs
from ..progress import step

SOURCE = paths.REPO / "bench" / "ceiling" / "ceiling.c"
CFLAGS = ["-Os", "-DNDEBUG", "-std=gnu99", "-DMODSSL_LIBC_ALLOC", "-DMBEDTLS_CONFIG_FILE=\"mbedtls_config_port.h\""]


def includes(mbedtls: Path) -> list[str]:
    return ["-I", str(paths.REPO / "ports" / "unix"), "-I", str(paths.REPO / "ports" / "common"),
            "-I", str(mbedtls / "include")]


def compile_one(src: Path, obj: Path, inc: list[str]) -> None:
    # Recompile only when the source or our configuration changed.
    deps = [src, paths.REPO / "ports" / "unix" / "mbedtls_config_port.h",
            paths.REPO / "ports" / "common" / "mbedtls_config_modssl.h"]
    if obj.exists() and all(obj.stat().st_mtime >= d.stat().st_mtime for d in deps):
        return
    proc = subprocess.run(["cc", *CFLAGS, *inc, "-c", str(src), "-o", str(obj)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"ceiling: compiling {src.name} failed:\n{proc.stderr[-2000:]}")


def build() -> Path:
    mbedtls = sources.mbedtls_tree()
    out = paths.build_root() / "ceiling"
    out.mkdir(parents=True, exist_ok=True)
    inc = includes(mbedtls)
    units = sorted((mbedtls / "library").glob("*.c")) + [SOURCE]
    step(f"ceiling: compiling {len(units)} files (log-free; errors are shown)")
    with ThreadPoolExecutor(max_workers=int(jobs())) as pool:
        list(pool.map(lambda s: compile_one(s, out / (s.stem + ".o"), inc), units))
    exe = out / "ceiling"
    objs = [str(out / (s.stem + ".o")) for s in units]
    proc = subprocess.run(["cc", "-o", str(exe), *objs], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"ceiling: link failed:\n{proc.stderr[-2000:]}")
    return exe


def run(exe: Path, ec_key_der: Path, rsa_key_der: Path, seconds: float, rounds: int = 3) -> dict[str, float]:
    """The best of `rounds` runs per figure: a limit is the best the library
    did, and other load on a shared machine only ever makes it slower."""
    best: dict[str, float] = {}
    for _ in range(rounds):
        proc = subprocess.run([str(exe), str(ec_key_der), str(rsa_key_der), str(seconds)], capture_output=True,
                              text=True, timeout=300)
        if proc.returncode != 0:
            raise BuildError(f"ceiling failed: {proc.stderr}")
        for line in proc.stdout.splitlines():
            name, text = line.split()
            value = float(text)
            higher_is_better = name.endswith("_MBps")
            if name not in best or (value > best[name] if higher_is_better else value < best[name]):
                best[name] = value
    return best
