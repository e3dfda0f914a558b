"""Building firmware: the unix port (modssl, stock upstream, sanitizer) and rp2.

Builds are out of tree: the source cache is only read.  Each flavour has its
own build directory, because MicroPython needs a fresh one when flags change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from . import paths, roots_gen, sources
from .progress import step

UNIX_FLAVOURS = ("modssl", "stock", "asan", "nodtls")

# The DTLS-less build (mbedTLS without MBEDTLS_SSL_PROTO_DTLS, see
# ports/common/mbedtls_config_modssl.h): CI proves modssl builds and runs
# TLS without DTLS.
NODTLS_CFLAGS = "-DMODSSL_NO_DTLS"

# Sanitizer flags: AddressSanitizer + UndefinedBehaviorSanitizer, mbedTLS on
# libc malloc so every buffer is instrumented (see ports/unix/mbedtls_config_port.h).
# Stack-use-after-return detection is compiled out: its fake stacks hide
# pointers from MicroPython's conservative stack scan, so the GC would free
# live objects.
ASAN_CFLAGS = (
    "-fsanitize=address,undefined --param asan-use-after-return=0 -fno-sanitize=nonnull-attribute "
    "-fno-omit-frame-pointer -fno-sanitize-recover=undefined -DMODSSL_LIBC_ALLOC"
)
ASAN_LDFLAGS = "-fsanitize=address,undefined --param asan-use-after-return=0 -fno-sanitize=nonnull-attribute"


class BuildError(RuntimeError):
    """A firmware build failed or a prerequisite is missing."""


def jobs() -> str:
    return os.environ.get("MODSSL_JOBS", "2")


def run_make(args: list[str], what: str, log: Path, env: dict[str, str] | None = None) -> None:
    """Run make, streaming a one-line-per-file progress and keeping a full log."""
    step(f"{what}: make (log: {log})")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        assert proc.stdout is not None
        count = 0
        for line in proc.stdout:
            out.write(line)
            # "CC x.c" from MicroPython's make, "Building C object" from CMake's.
            if line.startswith("CC ") or "Building C object" in line:
                count += 1
                if count % 50 == 0:
                    step(f"{what}: {count} files compiled")
        rc = proc.wait()
    if rc != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
        raise BuildError(f"{what} failed (exit {rc}); last lines of {log}:\n{tail}")


def mpy_cross(mp: Path) -> Path:
    out = paths.build_root() / "mpy-cross"
    exe = out / "mpy-cross"
    if not exe.exists():
        run_make(["make", "-C", str(mp / "mpy-cross"), f"-j{jobs()}", f"BUILD={out}"], "mpy-cross", out / "build.log")
    return exe


def micropython_lib_stub() -> Path:
    """MicroPython's freezing checks $(MPY_LIB_DIR)/README.md exists; we
    freeze nothing from micropython-lib, so an empty stand-in is enough."""
    stub = paths.build_root() / "micropython-lib-stub"
    stub.mkdir(parents=True, exist_ok=True)
    (stub / "README.md").write_text("Stand-in: modssl freezes nothing from micropython-lib.\n")
    return stub


def fresh_build_dir_if_flags_changed(out: Path, args: list[str]) -> None:
    """MicroPython does not rebuild when flags change: start over instead."""
    stamp = out / "make-args"
    wanted = "\n".join(args) + "\n"
    if stamp.exists() and stamp.read_text() != wanted:
        step(f"build flags changed: clearing {out / 'build'}")
        shutil.rmtree(out / "build", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    stamp.write_text(wanted)


def build_unix(flavour: str = "modssl") -> Path:
    if flavour not in UNIX_FLAVOURS:
        raise BuildError(f"unknown unix flavour {flavour!r}: choose one of {', '.join(UNIX_FLAVOURS)}")
    mp = sources.micropython_tree()
    exe_mpy_cross = mpy_cross(mp)
    out = paths.build_root() / f"unix-{flavour}"
    prog = paths.firmware_path("unix", flavour)
    args = [
        "make", "-C", str(mp / "ports" / "unix"), f"-j{jobs()}",
        f"BUILD={out / 'build'}",
        "PROG=micropython",
        f"MICROPY_MPYCROSS={exe_mpy_cross}",
        "MICROPY_MPYCROSS_DEPENDENCY=",
        "MICROPY_PY_BTREE=0",
        f"MPY_LIB_DIR={micropython_lib_stub()}",
    ]
    if flavour == "stock":
        # Upstream as shipped: its own `tls` over the same mbedTLS sources.
        args += ["VARIANT=standard", f"FROZEN_MANIFEST={paths.REPO / 'firmware' / 'unix' / 'stock_manifest.py'}"]
    else:
        args += [
            f"VARIANT_DIR={paths.REPO / 'firmware' / 'unix' / 'modssl'}",
            f"USER_C_MODULES={paths.REPO}",
            f"MODSSL_MBEDTLS_DIR={sources.mbedtls_tree()}",
            f"MODSSL_PORT_CONFIG_DIR={paths.REPO / 'ports' / 'unix'}",
            f"FROZEN_MANIFEST={paths.REPO / 'manifest.py'}",
        ]
        # The built-in root store: on by default (MODSSL_ROOT_STORE=0 leaves it out).
        table = roots_gen.table_for_build(out / "roots", default=True)
        if table is not None:
            args.append(f"MODSSL_ROOTS_C={table}")
    if flavour == "asan":
        # The port's own -Os stays: at -O1 its x64 nlr (exception unwinding)
        # crashes under the sanitizers.
        args += [f"CFLAGS_EXTRA={ASAN_CFLAGS}", f"LDFLAGS_EXTRA={ASAN_LDFLAGS}", "STRIP="]
    if flavour == "nodtls":
        args += [f"CFLAGS_EXTRA={NODTLS_CFLAGS}"]
    fresh_build_dir_if_flags_changed(out, args)
    run_make(args, f"unix firmware ({flavour})", out / "build.log")
    built = out / "build" / "micropython"
    if not built.exists():
        raise BuildError(f"the build finished but {built} is missing")
    # Replace atomically: a running firmware (a test server) keeps its inode.
    staging = prog.with_name(prog.name + ".new")
    shutil.copy2(built, staging)
    os.replace(staging, prog)
    step(f"unix firmware ({flavour}) ready: {prog}")
    return prog


def clean(port: str | None = None) -> None:
    root = paths.build_root()
    targets = [root] if port is None else list(root.glob(f"{port}-*"))
    for t in targets:
        step(f"removing {t}")
        shutil.rmtree(t, ignore_errors=True)
