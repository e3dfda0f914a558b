"""The firmwares the bench compares, built into the build root.

modssl and stock come from the harness's own builder.  The memory variants
are modssl built with extra -D flags, and "none" is stock upstream with no
TLS module at all (for the size the module adds); each gets its own build
directory, since MicroPython needs a fresh one when flags change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import build, paths, sources
from ..progress import step


@dataclass(frozen=True)
class Variant:
    name: str
    flags: str  # CFLAGS_EXTRA
    what: str
    mfl: int | None = None  # max_fragment_length that lets any peer fit the buffers


# Compile-time memory controls (the record buffers are guarded with #ifndef
# in ports/common/mbedtls_config_modssl.h so these -D flags win).  Resizing
# the buffers after the handshake is in every build (per context, by
# ctx.max_fragment_length): memory.variants measures it on the default build.
MEMORY_VARIANTS = (
    Variant("in4k", "-DMBEDTLS_SSL_IN_CONTENT_LEN=4096", "incoming records up to 4 KiB (out 4 KiB)", 4096),
    Variant("in2k-out2k", "-DMBEDTLS_SSL_IN_CONTENT_LEN=2048 -DMBEDTLS_SSL_OUT_CONTENT_LEN=2048",
            "2 KiB records both ways", 2048),
)


def ours(rebuild: bool = True) -> Path:
    return _flavour("modssl", rebuild)


def stock(rebuild: bool = True) -> Path:
    return _flavour("stock", rebuild)


def _flavour(flavour: str, rebuild: bool) -> Path:
    # make is incremental: a no-op when up to date, a rebuild after a change.
    # Without rebuild (the smoke test), the binary other tests may be running
    # is left alone.
    exe = paths.firmware_path("unix", flavour)
    if rebuild or not exe.exists():
        return build.build_unix(flavour)
    return exe


def _common_args(out: Path) -> list[str]:
    mp = sources.micropython_tree()
    return [
        "make", "-C", str(mp / "ports" / "unix"), f"-j{build.jobs()}",
        f"BUILD={out / 'build'}", "PROG=micropython",
        f"MICROPY_MPYCROSS={build.mpy_cross(mp)}", "MICROPY_MPYCROSS_DEPENDENCY=",
        "MICROPY_PY_BTREE=0", f"MPY_LIB_DIR={build.micropython_lib_stub()}",
    ]


def _make(out: Path, args: list[str], what: str) -> Path:
    build.fresh_build_dir_if_flags_changed(out, args)
    build.run_make(args, what, out / "build.log")
    return out / "build" / "micropython"


def variant(v: Variant) -> Path:
    """modssl with extra flags, in <build root>/unix-bench-<name>."""
    out = paths.build_root() / f"unix-bench-{v.name}"
    args = _common_args(out) + [
        f"VARIANT_DIR={paths.REPO / 'firmware' / 'unix' / 'modssl'}",
        f"USER_C_MODULES={paths.REPO}",
        f"MODSSL_MBEDTLS_DIR={sources.mbedtls_tree()}",
        f"MODSSL_PORT_CONFIG_DIR={paths.REPO / 'ports' / 'unix'}",
        f"FROZEN_MANIFEST={paths.REPO / 'manifest.py'}",
        f"CFLAGS_EXTRA={v.flags}",
    ]
    return _make(out, args, f"unix firmware (bench variant {v.name})")


def modssl_libc() -> Path:
    """modssl with mbedTLS on libc malloc, so valgrind massif sees its heap
    exactly as it sees stock's (a like-for-like heap comparison)."""
    return variant(Variant("libc", "-DMODSSL_LIBC_ALLOC", "mbedTLS on libc malloc"))


def no_tls() -> Path:
    """Stock upstream with neither TLS module: the size baseline."""
    out = paths.build_root() / "unix-bench-none"
    args = _common_args(out) + [
        "VARIANT=standard", f"FROZEN_MANIFEST={paths.REPO / 'firmware' / 'unix' / 'stock_manifest.py'}",
        "MICROPY_PY_SSL=0",
    ]
    step("size baseline: stock with MICROPY_PY_SSL=0")
    return _make(out, args, "unix firmware (no TLS)")
