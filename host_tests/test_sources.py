"""Fetching sources: pinned checksums, atomic unpacking, no network on reruns."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from modssl_harness import paths, sources


def test_cached_sources_make_no_apt_call(monkeypatch):
    # The suite's own build fetched everything already: a rerun must not
    # run apt (or anything else) at all.
    calls: list[list[str]] = []
    monkeypatch.setattr(sources, "_run", lambda cmd, *a, **k: calls.append(cmd))
    for name in ("micropython", "mbedtls"):
        tree = sources.unpacked(name)
        assert (tree / ".modssl-sha256").exists()
    assert calls == []


def test_checksum_mismatch_is_refused_and_leaves_nothing(tmp_path, monkeypatch):
    # A real download from Debian whose pinned sum is wrong.
    monkeypatch.setenv("MODSSL_CACHE", str(tmp_path))
    apt_state = paths.REPO / ".cache" / "apt"
    if (apt_state / "updated").exists():  # reuse the package lists already read
        shutil.copytree(apt_state, tmp_path / "apt")
    bad = dataclasses.replace(sources.SOURCES["mbedtls"], name="mbedtls-badsum", sha256="0" * 64)
    with pytest.raises(sources.FetchError) as err:
        sources.download(bad)
    message = str(err.value)
    assert "mbedtls_3.6.6.orig.tar.bz2: sha256 mismatch: expected 000000" in message
    assert "the file was discarded" in message
    downloads = tmp_path / "downloads"
    assert list(downloads.iterdir()) == []  # no file, no partial directory


def test_interrupted_unpack_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("MODSSL_CACHE", str(tmp_path))
    real = paths.REPO / ".cache" / "downloads" / sources.SOURCES["mbedtls"].filename
    (tmp_path / "downloads").mkdir()
    shutil.copy(real, tmp_path / "downloads")
    # What a killed run leaves: a half-filled tree without its marker, and
    # the temporary directory.
    half = tmp_path / "src" / "mbedtls"
    (half / "library").mkdir(parents=True)
    (tmp_path / "src" / ".unpacking-mbedtls").mkdir()
    tree = sources.unpacked("mbedtls")
    assert (tree / "library" / "ssl_tls.c").exists()
    assert (tree / ".modssl-sha256").read_text() == sources.tree_stamp(sources.SOURCES["mbedtls"])
    assert not (tmp_path / "src" / ".unpacking-mbedtls").exists()


def test_corrupt_archive_stops_with_the_file_named(tmp_path, monkeypatch):
    monkeypatch.setenv("MODSSL_CACHE", str(tmp_path))
    src = sources.SOURCES["mbedtls"]
    archive = tmp_path / src.filename
    archive.write_bytes(b"not a tarball")
    with pytest.raises(sources.FetchError, match=src.filename.replace(".", r"\.")):
        sources.unpack(src, archive, tmp_path / "src" / "mbedtls")
    assert not (tmp_path / "src" / "mbedtls").exists()
    assert not (tmp_path / "src" / ".unpacking-mbedtls").exists()


def test_micropy_dir_must_be_a_checkout(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROPY_DIR", str(tmp_path))
    with pytest.raises(sources.FetchError, match="is not a MicroPython checkout"):
        sources.micropython_tree()
