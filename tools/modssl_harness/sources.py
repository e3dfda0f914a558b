"""Pinned third-party sources and how to fetch them offline-safely.

Sources come from Debian trixie through apt with a private configuration kept
in the cache directory: /etc/apt is never read for sources nor written.  Each
downloaded file is checked against the sha256 pinned here before it is used,
and unpacking goes through a temporary directory that is renamed into place
only when complete, so an interrupted run never leaves a tree a later run trusts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .progress import step

DEBIAN_SUITE = "trixie"
DEBIAN_MIRROR = "http://deb.debian.org/debian"


@dataclass(frozen=True)
class Source:
    """One pinned archive: a Debian source tarball or an arch-all .deb."""

    name: str  # short name used on the command line and for the unpacked dir
    package: str  # Debian package name
    version: str  # Debian version
    filename: str  # the file apt downloads that we keep
    sha256: str
    kind: str  # "source" (apt-get source) or "deb" (apt-get download)
    strip: str = ""  # path inside the archive that becomes the unpacked root
    # apt may fail on other files of the package (e.g. a missing .dsc): the
    # wanted file is still accepted when it arrived and matches its pin.
    incomplete_ok: bool = False
    # (relative path, text) written into the tree at unpack time, for files
    # a build checks for but Debian's package leaves out.
    add_files: tuple[tuple[str, str], ...] = ()


SOURCES = {
    s.name: s
    for s in (
        Source(
            "micropython",
            "micropython",
            "1.25.0+ds-1",
            "micropython_1.25.0+ds.orig.tar.xz",
            "7b25be99a502f070b2de81dafc08da7051d992325d6e67daa9045a918fffdbea",
            "source",
            strip="micropython-1.25.0",
        ),
        Source(
            "mbedtls",
            "mbedtls",
            "3.6.6-0.1~deb13u1",
            "mbedtls_3.6.6.orig.tar.bz2",
            "8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a",
            "source",
            strip="mbedtls-3.6.6",
        ),
        # rp2: the SDK and USB stack exactly as MicroPython 1.25 builds with
        # them (tinyusb 0.18.0 where 1.25 pins 0.17.0: it builds and USB CDC
        # works).  Arch-all .debs, unpacked with dpkg-deb.
        Source(
            "pico-sdk",
            "pico-sdk-source",
            "2.1.1-1",
            "pico-sdk-source_2.1.1-1_all.deb",
            "507a3ca37636641bc90239d7c04dc9dc28c5008087a8162102ea94d2273153d3",
            "deb",
            strip="usr/src/pico-sdk",
            # ports/rp2/Makefile checks for it; Debian drops it.
            add_files=(("README.md", "Raspberry Pi Pico SDK 2.1.1 (Debian pico-sdk-source).\n"),),
        ),
        Source(
            "tinyusb",
            "tinyusb-source",
            "0.18.0+dfsg-1",
            "tinyusb-source_0.18.0+dfsg-1_all.deb",
            "01ce2c645df68f14a8a7dcfc8fb355713152543757955820479a87949a61154e",
            "deb",
            strip="usr/src/tinyusb",
        ),
        # picotool turns the rp2 ELF into a UF2.  Debian's .dsc for it is
        # missing from the mirror (apt-get source fails), but the orig
        # tarball downloads: `incomplete_ok` accepts it on its sha256 pin.
        Source(
            "picotool",
            "picotool",
            "2.1.1+dfsg-1",
            "picotool_2.1.1+dfsg.orig.tar.xz",
            "c515d75ce6df590ca783b3a4267f6e8a963ffec753aeeb1892f8ba1771b8786d",
            "source",
            strip="picotool-2.1.1",
            incomplete_ok=True,
        ),
        # The built-in root store (modssl/ssl_roots.c): Mozilla's roots as
        # Debian ships them, one PEM file per root.  Arch-all .deb; only
        # read at build time by roots_gen.py, never committed.
        Source(
            "ca-certificates",
            "ca-certificates",
            "20250419+deb13u1",
            "ca-certificates_20250419+deb13u1_all.deb",
            "c10585ac22c7f617a73d394eea29ba71d0356f350ae973b19043d1b017f80f54",
            "deb",
            strip="usr/share/ca-certificates/mozilla",
        ),
    )
}


class FetchError(RuntimeError):
    """A source could not be fetched or failed its checksum."""


def _apt_dir() -> Path:
    return paths.cache_dir() / "apt"


def _apt_options() -> list[str]:
    apt = _apt_dir()
    return [
        "-o", f"Dir::Etc::SourceList={apt / 'sources.list'}",
        "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", f"Dir::State::Lists={apt / 'lists'}",
        "-o", f"Dir::Cache={apt / 'cache'}",
        "-o", "Debug::NoLocking=1",
        "-o", "APT::Sandbox::User=root",
    ]


def _apt_update() -> None:
    apt = _apt_dir()
    for sub in ("lists/partial", "cache/archives/partial"):
        (apt / sub).mkdir(parents=True, exist_ok=True)
    (apt / "sources.list").write_text(
        f"deb-src {DEBIAN_MIRROR} {DEBIAN_SUITE} main\n"
        f"deb {DEBIAN_MIRROR} {DEBIAN_SUITE} main\n"
    )
    stamp = apt / "updated"
    if stamp.exists():
        return
    step("apt: reading Debian trixie package lists (private configuration)")
    _run(["apt-get", *_apt_options(), "-q", "update"], "apt-get update")
    stamp.touch()


def _run(cmd: list[str], what: str, cwd: Path | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-15:])
        raise FetchError(f"{what} failed (exit {proc.returncode}):\n{tail}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(src: Source) -> Path:
    """Return the verified archive for src, downloading it only when absent."""
    downloads = paths.cache_dir() / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    target = downloads / src.filename
    if target.exists():
        if sha256_of(target) == src.sha256:
            return target
        target.unlink()  # a stale or corrupt file: fetch it again
    _apt_update()
    work = downloads / f".partial-{src.name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    step(f"apt: downloading {src.package} {src.version}")
    if src.kind == "source":
        cmd = ["apt-get", *_apt_options(), "-q", "source", "--download-only", f"{src.package}={src.version}"]
    else:
        cmd = ["apt-get", *_apt_options(), "-q", "download", f"{src.package}={src.version}"]
    try:
        try:
            _run(cmd, f"downloading {src.filename}", cwd=work)
        except FetchError:
            if not (src.incomplete_ok and (work / src.filename).exists()):
                raise
        got = work / src.filename
        if not got.exists():
            raise FetchError(f"{src.filename}: apt finished but did not produce this file")
        actual = sha256_of(got)
        if actual != src.sha256:
            raise FetchError(
                f"{src.filename}: sha256 mismatch: expected {src.sha256}, got {actual}; "
                "the file was discarded"
            )
        got.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def patches_for(name: str) -> list[Path]:
    """The project's patches for a source (patches/<name>/*.patch), in order.

    Each one fixes an interoperability problem and says why in its header.
    """
    return sorted((paths.REPO / "patches" / name).glob("*.patch"))


def tree_stamp(src: Source) -> str:
    """What an unpacked tree must match: the archive and every patch on it."""
    parts = [src.sha256] + [f"{p.name}:{sha256_of(p)}" for p in patches_for(src.name)]
    return "\n".join(parts) + "\n"


def unpack(src: Source, archive: Path, dest: Path) -> None:
    """Unpack archive into dest atomically: dest exists only when complete."""
    tmp = dest.parent / f".unpacking-{dest.name}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    step(f"unpacking {archive.name}")
    try:
        if src.kind == "deb":
            _run(["dpkg-deb", "-x", str(archive), str(tmp)], f"unpacking {archive.name}")
            root = tmp / src.strip if src.strip else tmp
        else:
            try:
                with tarfile.open(archive) as tar:
                    tar.extractall(tmp, filter="tar")
            except (tarfile.TarError, EOFError, OSError) as exc:
                raise FetchError(f"{archive}: cannot unpack ({exc.__class__.__name__}); delete it to fetch it again") from exc
            root = tmp / src.strip if src.strip else tmp
        if not root.is_dir():
            raise FetchError(f"{archive.name}: expected top-level {src.strip!r} inside")
        for patch in patches_for(src.name):
            step(f"applying {patch.name}")
            _run(["patch", "-p1", "--forward", "--quiet", "-d", str(root), "-i", str(patch)], f"applying {patch}")
        for rel, text in src.add_files:
            (root / rel).write_text(text)
        (root / ".modssl-sha256").write_text(tree_stamp(src))
        shutil.rmtree(dest, ignore_errors=True)
        root.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def unpacked(name: str) -> Path:
    """Path of the unpacked, verified tree for a pinned source (fetching if needed)."""
    src = SOURCES[name]
    dest = paths.cache_dir() / "src" / name
    marker = dest / ".modssl-sha256"
    if marker.exists() and marker.read_text() == tree_stamp(src):
        return dest
    archive = download(src)
    unpack(src, archive, dest)
    return dest


# lib/ submodules a port needs, filled from pinned sources (name in SOURCES)
# and the file that proves a directory is filled.
PORT_LIBS = {
    "unix": {"mbedtls": "library/ssl_tls.c"},
    "rp2": {"mbedtls": "library/ssl_tls.c", "pico-sdk": "pico_sdk_init.cmake", "tinyusb": "src/tusb.c"},
}


def micropython_tree(port: str = "unix") -> Path:
    """The MicroPython tree to build from: MICROPY_DIR if given, else the cache.

    The cached tree is Debian's orig tarball, whose lib/ submodules are empty;
    the ones the port needs are linked to pinned sources here, at unpack
    time, so builds only ever read the cache.  lib/mbedtls is the pinned
    mbedTLS so that the stock upstream firmware (the baseline) builds from
    the very same library sources.
    """
    libs = PORT_LIBS.get(port, {})
    user = os.environ.get("MICROPY_DIR")
    if user:
        tree = Path(user).resolve()
        if not (tree / "py" / "mpconfig.h").exists():
            raise FetchError(f"MICROPY_DIR={user} is not a MicroPython checkout (no py/mpconfig.h)")
        # (unix keeps its old behaviour: modssl builds without lib/mbedtls.)
        for lib, proof in libs.items() if port != "unix" else ():
            if not (tree / "lib" / lib / proof).exists():
                raise FetchError(
                    f"MICROPY_DIR={user}: lib/{lib} is empty (no {proof}); run "
                    f"`git submodule update --init lib/{lib}` there"
                )
        return tree
    tree = unpacked("micropython")
    for lib, proof in libs.items():
        link = tree / "lib" / lib
        # unpacked() re-makes a tree whose patches changed, so every build
        # (rp2's too, which reads mbedTLS through lib/) sees the current ones.
        target = unpacked(lib)
        if (link / proof).exists() and link.resolve() == target.resolve():
            continue
        step(f"linking lib/{lib} to the pinned {lib}")
        if link.is_symlink():
            link.unlink()  # points at a tree that is gone
        elif link.is_dir():
            link.rmdir()  # the empty submodule placeholder
        link.symlink_to(target, target_is_directory=True)
    return tree


def mbedtls_tree() -> Path:
    """The mbedTLS tree modssl compiles: MBEDTLS_DIR if given, else the cache."""
    user = os.environ.get("MBEDTLS_DIR")
    if user:
        tree = Path(user).resolve()
        if not (tree / "library" / "ssl_tls.c").exists():
            raise FetchError(f"MBEDTLS_DIR={user} is not an mbedTLS tree (no library/ssl_tls.c)")
        return tree
    return unpacked("mbedtls")


def ca_bundle() -> Path:
    """The roots of the built-in store: MODSSL_CA_BUNDLE (a PEM bundle, or a
    directory of PEM files) if given, else Debian's pinned Mozilla roots."""
    user = os.environ.get("MODSSL_CA_BUNDLE")
    if user:
        path = Path(user).resolve()
        if not path.exists():
            raise FetchError(f"MODSSL_CA_BUNDLE={user}: no such file or directory")
        return path
    return unpacked("ca-certificates")


def fetch_all(names: list[str] | None = None) -> dict[str, Path]:
    result = {}
    for name in names or list(SOURCES):
        result[name] = unpacked(name)
    return result


if __name__ == "__main__":  # pragma: no cover - manual use
    for n, p in fetch_all(sys.argv[1:] or None).items():
        print(n, p)
