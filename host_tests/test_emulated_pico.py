"""The emulated Pico (`--device emu:rp2`): the rp2 firmware under rp2040js
with modssl's own ROM, driven over its USB serial (a pty) like a real board.

The on-device scripts run through the host link (TLS over memory BIOs on
the board, ciphertext over the serial console to the host servers): the
same scripts the unix port and networked boards run over sockets.  They run
as the board farm runs them: the board's serial port shared over the network
by ser2net (RFC 2217), and also published through labgrid's coordinator
and exporter and acquired with its client, and the board suite pointed at it
with `--target rfc2217://127.0.0.1:PORT`.  `make
test` builds the rp2 firmware first and sets MODSSL_REQUIRE_RP2=1, so in CI
a missing image fails instead of skipping.
"""

from __future__ import annotations

import ast
import contextlib
import datetime
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from modssl_harness import devicetests, hostlink, labgrid, paths, targets
from modssl_harness.emulator import RUNNER, PicoEmulator, build_rom, ensure_node_modules, node_binary
from modssl_harness.ser2net import Ser2net
from mpremote.transport_serial import SerialTransport

pytestmark = pytest.mark.no_asan  # the board's firmware is the same under --asan: run once

# The checks the emulated board must pass, by script.
REQUIRED = {
    "test_tls_client": {"tls12_ecdsa", "tls13_ecdsa", "tls12_rsa", "tls13_rsa", "rejects_unknown_ca",
                        "rejects_expired_certificate", "rejects_wrong_hostname", "mutual_tls"},
    "test_dtls_client": {"dtls12_exchange"},
    "test_memory_bio": {"tls13_over_memory", "tls12_over_memory", "wrong_hostname_over_memory"},
}


@pytest.fixture(scope="module")
def pico(rp2_uf2):
    device = targets.open_target("emu:rp2")
    device.connect()
    yield device
    device.stop()


def exec_on(pico, code: str) -> str:
    transport = SerialTransport(pico.port)
    try:
        transport.enter_raw_repl(soft_reset=False, timeout_overall=60)
        return transport.exec(code).decode()
    finally:
        transport.exit_raw_repl()
        transport.close()


def mpremote(pico, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mpremote", "connect", pico.port, *args],
        capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def farm(pico):
    """The emulated Pico's serial port shared over the network by ser2net
    (RFC 2217), as a board farm shares a real board's."""
    with Ser2net(pico.port) as exported:
        yield exported


def board_suite(url: str, tmp_path, *select: str) -> set[str]:
    """The board suite on `url` as a user on another machine runs it:
        pytest host_tests/test_device_scripts.py --target rfc2217://HOST:PORT --link
    (SELECT: pytest options such as -k); the names of the tests that passed."""
    junit = tmp_path / "farm.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "host_tests/test_device_scripts.py", "-q", "-p", "no:cacheprovider",
         "--target", url, "--link", f"--junitxml={junit}", *select],
        cwd=paths.REPO, capture_output=True, text=True, timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    cases = ET.parse(junit).getroot().iter("testcase")
    return {c.get("name") for c in cases if not any(child.tag in ("failure", "error", "skipped") for child in c)}


def test_board_through_ser2net(farm, tmp_path):
    # ser2net alone (rfc2217://HOST:PORT): the board suite's check that the
    # board runs modssl.  The whole suite runs on this same port through
    # labgrid below.
    try:
        passed = board_suite(farm.url, tmp_path, "-k", "test_target_has_modssl")
    except AssertionError as e:
        raise AssertionError(f"{e}\nser2net:\n{farm.output}") from None
    assert passed == {"test_target_has_modssl"}, passed


def test_board_suite_through_labgrid(farm, tmp_path):
    # The board shared as the README's commands share one: ser2net's port
    # published by a labgrid exporter as a NetworkSerialPort, a coordinator,
    # a place that matches it and is acquired; the whole board suite runs on
    # the URL the client reads back from the coordinator.
    with labgrid.Coordinator(tmp_path) as coordinator:
        with labgrid.Exporter(coordinator, tmp_path, "farm", "pico", farm.host, farm.port) as exporter:
            with labgrid.Place(coordinator, "emu-pico", exporter.match) as place:
                url = place.url
                assert url == f"rfc2217://{farm.host}:{farm.port}"
                # The place is ours until released: another user cannot take it.
                with pytest.raises(labgrid.LabgridError, match="is already acquired by"):
                    labgrid.client(coordinator.address, place.name, "acquire", user="someone-else")
                try:
                    passed = board_suite(url + "?ign_set_control", tmp_path)
                except AssertionError as e:
                    raise AssertionError(f"{e}\nexporter:\n{exporter.output}\nser2net:\n{farm.output}") from None
            coordinator.wait_for(r"^emu-pico: place released$")
    for process in (exporter, coordinator):  # stopped, not left behind
        assert process.proc.returncode is not None, process.what
    for script, checks in REQUIRED.items():
        for check in checks:
            assert f"test_device_check[{script}::{check}]" in passed, (script, check)
    assert "test_target_has_modssl" in passed


def test_firmware_identifies_as_a_pico_with_modssl(pico):
    out = exec_on(pico, "import sys, ssl; print(sys.implementation._machine); print(ssl.MBEDTLS_VERSION)")
    assert "Raspberry Pi Pico (modssl) with RP2040" in out
    assert "3.6" in out


def test_clock_is_set_before_certificate_checks(pico, tmp_path):
    # The board boots at 2021-01-01, when the test certificates are not yet
    # valid: the harness sets the RTC before every script.
    exec_on(pico, "import machine; machine.RTC().datetime((2021, 1, 1, 4, 0, 0, 0, 0))")
    script = tmp_path / "when.py"
    script.write_text("import time\nprint(time.gmtime()[:3])\n")
    out, _ = hostlink.run_script(pico.port, script.read_text(), {})
    year, month, day = ast.literal_eval(out.strip())
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert abs((datetime.date(year, month, day) - today).days) <= 1


def test_rom_float_routines_match_cpython(pico):
    # MicroPython's floats go through the ROM's soft-float table (our rom_float.c).
    exprs = ["math.sin(1.0)", "math.cos(-2.5)", "math.tan(0.7)", "math.exp(3.25)", "math.log(10.0)",
             "math.sqrt(2.0)", "math.atan2(1.0, -2.0)", "7.0 / 3.0", "1.5 * -2.25", "0.1 + 0.2"]
    out = exec_on(pico, "import math\n" + "\n".join(f"print('%.9g' % ({e}))" for e in exprs))
    got = [float(v) for v in out.split()]
    for expr, value in zip(exprs, got):
        want = eval(expr, {"math": math})
        # Single precision: a float's ulp is 6e-8 relative; printing adds a little.
        assert math.isclose(value, want, rel_tol=5e-7), f"{expr}: board {value}, CPython {want}"
    conversions = exec_on(pico, "print(int(-2.5), int(2.9), int(-1e10 / 3), float(2**40), round(2.5))")
    # -1e10 / 3 in single precision is -3333333248: the float-to-int64 path.
    assert conversions.split() == ["-2", "2", "-3333333248", "1.099512e+12", "2"]


def test_files_copied_with_mpremote_persist(pico, tmp_path):
    # The filesystem lives in emulated flash: erase/program go through the ROM to the runner.
    local = tmp_path / "note.txt"
    local.write_bytes(os.urandom(3000).hex().encode())
    assert mpremote(pico, "fs", "cp", str(local), ":note.txt").returncode == 0
    assert mpremote(pico, "soft-reset").returncode == 0
    back = mpremote(pico, "fs", "cat", ":note.txt")
    assert back.returncode == 0, back.stderr
    assert back.stdout.strip() == local.read_text()


def test_tls_still_works_after_a_soft_reset(pico):
    # PSA's global state lives in the GC heap: a soft reset must shut it down
    # (modssl's PSA guard) or the next handshake uses freed memory.
    script = (paths.REPO / "device_tests" / "test_memory_bio.py")
    for _ in range(2):
        results = devicetests.run(pico, [script])  # each run starts with a soft reset
        assert results and all(r.passed for r in results), [r for r in results if not r.passed]


PSK_ON_THE_BOARD = """
import ssl
def pump(a, b, a_in, a_out, b_in, b_out):
    done = [False, False]
    for _ in range(50):
        for i, (o, out, peer_in) in enumerate(((a, a_out, b_in), (b, b_out, a_in))):
            if not done[i]:
                try:
                    o.do_handshake()
                    done[i] = True
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    pass
            data = out.read()
            if data:
                peer_in.write(data)
        if all(done):
            return
    raise OSError("handshake did not finish")
for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.maximum_version = version
    cctx.psk_identity = b"pico"
    cctx.psk_key = b"0123456789abcdef"
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.server_psk_keys = {b"pico": b"0123456789abcdef"}
    bios = [ssl.MemoryBIO() for _ in range(4)]
    c = cctx.wrap_bio(bios[0], bios[1])
    s = sctx.wrap_bio(bios[2], bios[3], server_side=True)
    pump(c, s, bios[0], bios[1], bios[2], bios[3])
    c.write(b"hello")
    bios[2].write(bios[1].read())
    print(c.version(), c.cipher()[0], s.read(5))
"""


def test_psk_handshakes_on_the_board(pico):
    # PSK in the rp2 firmware: TLS 1.2 (a PSK suite, no public-key work) and
    # TLS 1.3 (psk_dhe_ke), client and server in one board over memory BIOs.
    out = exec_on(pico, PSK_ON_THE_BOARD).splitlines()
    assert out[0].startswith("TLSv1.2 TLS_") and "PSK" in out[0] and out[0].endswith("b'hello'"), out
    assert out[1].startswith("TLSv1.3 TLS_") and out[1].endswith("b'hello'"), out


def test_compressed_texts_decode_on_the_board(pico):
    # modssl's message texts are stored compressed (test_texts.py checks the
    # generator and the unix firmware): the board spells them out byte for
    # byte, formats and packed tables included.
    from test_texts import EXPECTED, MESSAGES

    assert exec_on(pico, MESSAGES).splitlines() == EXPECTED


HASHES_ON_THE_BOARD = """
import binascii, hashlib, ssl
data = bytes((i * 7 + 3) & 255 for i in range(300))
for n in LENGTHS:
    print(binascii.hexlify(hashlib.sha1(data[:n]).digest()).decode())
for name, blob in (("enc_cert.pem", CERT), ("enc_key.pem", KEY)):
    with open(name, "wb") as f:
        f.write(blob)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("enc_cert.pem", "enc_key.pem", password=b"pico")
print("key loaded")
"""


def test_sha1_and_md5_of_the_board_match_cpython(pico, pki):
    # The rp2 firmware has its own looped SHA-1 and MD5 block functions
    # (ports/rp2/modssl_port.c, for flash): hashlib.sha1 matches CPython
    # around every block boundary, and a key in OpenSSL's traditional
    # encrypted PEM, whose AES key is derived with MD5, loads.
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(pki["server_ec"].key_pem.read_bytes(), None)
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.BestAvailableEncryption(b"pico"))
    assert b"DEK-Info: AES-256-CBC" in encrypted
    lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300]
    code = (f"LENGTHS = {lengths!r}\nCERT = {pki['server_ec'].cert_pem.read_bytes()!r}\nKEY = {encrypted!r}\n"
            + HASHES_ON_THE_BOARD)
    out = exec_on(pico, code).split()
    data = bytes((i * 7 + 3) & 255 for i in range(300))
    assert out[:-2] == [hashlib.sha1(data[:n]).hexdigest() for n in lengths]
    assert out[-2:] == ["key", "loaded"]


PKCS8_ON_THE_BOARD = """
import ssl
for name, blob in (("p8_cert.pem", CERT), ("p8_key.pem", KEY)):
    with open(name, "wb") as f:
        f.write(blob)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("p8_cert.pem", "p8_key.pem", password=b"pico")
print("key loaded")
for pwd in (b"pica", None):
    try:
        ctx.load_cert_chain("p8_cert.pem", "p8_key.pem", password=pwd)
        print("loaded with", pwd)
    except ValueError as e:
        print("refused:", e)
"""


def test_encrypted_pkcs8_key_loads_on_the_board(pico, pki):
    # The rp2 firmware has no generic cipher layer: PBES2 (encrypted PKCS#8,
    # PBKDF2-HMAC-SHA256 + AES-256-CBC as cryptography and OpenSSL write it)
    # decrypts on the AES module (patch 0058).  The right password loads
    # the key; a wrong or missing one is refused with the usual message.
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(pki["server_ec"].key_pem.read_bytes(), None)
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(b"pico"))
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in encrypted
    code = f"CERT = {pki['server_ec'].cert_pem.read_bytes()!r}\nKEY = {encrypted!r}\n" + PKCS8_ON_THE_BOARD
    out = exec_on(pico, code).splitlines()
    refused = "refused: keyfile: the key is encrypted and the password is missing or wrong"
    # A wrong password leaves valid-looking padding one time in about 256
    # (random salt): then the garbage fails as a key, still a ValueError.
    assert out[0] == "key loaded" and out[2] == refused, out
    assert out[1] == refused or out[1].startswith("refused: keyfile: invalid private key"), out


SUITE_NAMES_ON_THE_BOARD = """
import ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for n in NAMES:
    for spelling in (n, n.replace("_", "-")):
        try:
            ctx.set_ciphers([spelling])
            print(spelling, ctx.get_ciphers()[0])
        except ValueError:
            pass
"""


def test_cipher_suite_names_on_the_board(pico):
    # The rp2 firmware has no mbedTLS suite name strings (patch 0069):
    # modssl spells the IANA names from each suite's parts.  Of every suite
    # mbedTLS knows, the board takes exactly those of its preference list
    # (ports/rp2/mbedtls_config_port.h, CBC and static-RSA suites left out by
    # default), in IANA's and mbedTLS's spellings, under the name OpenSSL
    # gives the same id.
    from test_cipher_names import mbedtls_suite_ids, openssl_stdnames

    ids = mbedtls_suite_ids()
    iana = {re.sub(r"^MBEDTLS_TLS(1_3)?_", "TLS_", m): i for m, i in ids.items()}
    config = (paths.REPO / "ports/rp2/mbedtls_config_port.h").read_text()
    block = config[config.index("#define MBEDTLS_SSL_CIPHERSUITES"):]
    listed = [re.sub(r"^MBEDTLS_TLS(1_3)?_", "TLS_", m) for m in re.findall(r"^    (MBEDTLS_TLS\w+)", block, re.M)]
    assert len(listed) == 23 and "TLS_AES_128_CCM_8_SHA256" in listed and "TLS_PSK_WITH_AES_128_CCM_8" in listed
    out = exec_on(pico, f"NAMES = {sorted(iana)!r}\n" + SUITE_NAMES_ON_THE_BOARD).split()
    got = dict(zip(out[::2], out[1::2]))
    assert got == {**{n: n for n in listed}, **{n.replace("_", "-"): n for n in listed}}
    stdnames = openssl_stdnames()
    assert {n: stdnames[iana[n]] for n in listed} == {n: n for n in listed}


def test_runner_refuses_a_file_that_is_not_uf2(tmp_path):
    ensure_node_modules()
    bogus = tmp_path / "firmware.uf2"
    bogus.write_bytes(b"\0" * 512)
    proc = subprocess.run(
        [node_binary(), str(RUNNER), "--rom", str(build_rom()), "--uf2", str(bogus)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2
    assert "UF2 block 0 has a bad magic number" in proc.stderr


def test_bench_reports_emulated_handshake_cycles_and_heap(rp2_uf2, pki, tmp_path):
    # The bench's emulated-board section, one round each: shape only, no timing asserted.
    from modssl_harness.benchmarks import emulated, report
    from modssl_harness.benchmarks.context import Bench, Counts
    from modssl_harness.benchmarks.stats import Single, Stat

    b = Bench(None, None, pki, Counts.quick(), tmp_path, quick=True)
    times, heap = emulated.sections()
    emulated.run(b, times, heap, rounds=1, warmup=0)
    names = [f"client, full, {v}, {c}" for v in ("TLS 1.2", "TLS 1.3") for c in ("ECDSA P-256", "RSA-2048")]
    assert [r.name for r in times.rows] == names
    for row in times.rows:
        assert isinstance(row.cells["emu"], Stat) and row.cells["emu"].median > 0, row
        assert "Mcycles" in row.note and row.note.endswith(("TLSv1.2", "TLSv1.3"))
    assert [r.name for r in heap.rows] == names
    for row in heap.rows:
        assert isinstance(row.cells["peak"], Single) and row.cells["peak"].value >= row.cells["steady"].value > 0
    assert "Emulated Pico" in report.markdown([times, heap])


def test_mpremote_exec_and_run_drive_it_like_a_board(pico, tmp_path):
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('ran on', sys.platform)\n")
    ran = mpremote(pico, "run", str(script))
    assert ran.returncode == 0 and "ran on rp2" in ran.stdout, ran.stdout + ran.stderr
    executed = mpremote(pico, "exec", "print(sum(range(10)))")
    assert executed.returncode == 0 and executed.stdout.strip() == "45", executed.stdout + executed.stderr


def test_flash_image_keeps_the_filesystem_across_restarts(rp2_uf2, tmp_path):
    image = tmp_path / "flash.bin"
    for attempt in range(2):
        with PicoEmulator(rp2_uf2, flash_image=image) as emu:
            board = targets.SerialTarget(emu.tty)
            if attempt == 0:
                assert mpremote(board, "exec", "with open('kept.txt', 'w') as f: f.write('still here')").returncode == 0
            else:
                kept = mpremote(board, "fs", "cat", ":kept.txt")
                assert kept.returncode == 0 and kept.stdout.strip() == "still here", kept.stdout + kept.stderr
        assert image.exists()


def test_a_board_that_dies_mid_script_is_reported_not_waited_for(rp2_uf2, tmp_path):
    # machine.bootloader() makes the ROM stop the runner (as a real Pico leaves for its USB drive).
    device = targets.open_target("emu:rp2")
    try:
        script = "import machine, time\nprint('leaving')\ntime.sleep_ms(100)\nmachine.bootloader()\n"
        with pytest.raises(targets.TargetError, match="went away mid-script(.|\\n)*USB bootloader"):
            device.run(script)
    finally:
        device.stop()


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            with contextlib.suppress(OSError):
                for child in (task / "children").read_text().split():
                    found.add(int(child))
                    todo.append(int(child))
    return found


def test_emu_command_stopped_by_sigterm_leaves_no_process(rp2_uf2):
    # `emu --share 0` runs the emulator (node) and ser2net; a kill must stop them too.
    proc = subprocess.Popen(
        [sys.executable, "-m", "modssl_harness", "emu", "--uf2", str(rp2_uf2), "--share", "0"],
        cwd=paths.REPO, env={**os.environ, "PYTHONPATH": str(paths.REPO / "tools")},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("shared by ser2net:"):
                break
        assert lines and lines[-1].startswith("shared by ser2net:"), "".join(lines)
        children = _descendants(proc.pid)
        assert len(children) >= 2, children  # the emulator and ser2net
        proc.terminate()
        assert proc.wait(timeout=60) == 0
        alive = [pid for pid in children if Path(f"/proc/{pid}").exists()
                 and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
        assert alive == [], alive
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_openssl_face_is_a_package_the_board_installs(pico, tmp_path):
    # Not frozen into the board firmware (21 KB of flash it would cost
    # everyone): copied onto the board as compiled .mpy files, the way
    # `mpremote cp` (or `mpremote mip install`, through package.json) does.
    absent = exec_on(pico, "try:\n import OpenSSL\n print('PRESENT')\nexcept ImportError:\n print('ABSENT')")
    assert absent.strip() == "ABSENT"
    package = paths.REPO / "python" / "OpenSSL"
    listed = json.loads((package / "package.json").read_text())["urls"]
    assert sorted(dest for dest, _ in listed) == sorted(f"OpenSSL/{p.name}" for p in package.glob("*.py"))
    out = tmp_path / "OpenSSL"
    out.mkdir()
    mpy_cross = paths.build_root() / "mpy-cross" / "mpy-cross"
    for source in package.glob("*.py"):
        subprocess.run([str(mpy_cross), "-O3", "-o", str(out / f"{source.stem}.mpy"), str(source)], check=True)
    mpremote(pico, "fs", "mkdir", ":lib")  # may exist already
    copied = mpremote(pico, "fs", "cp", "-r", str(out), ":lib/")
    assert copied.returncode == 0, copied.stderr
    try:
        hello = exec_on(pico, "\n".join([
            "from OpenSSL import SSL",
            "conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)",
            "conn.set_connect_state()",
            "try:",
            "    conn.do_handshake()",
            "except SSL.WantReadError:",
            "    print('CLIENTHELLO', conn.bio_read(4096)[:2])",
        ]))
    finally:
        mpremote(pico, "fs", "rm", "-r", ":lib/OpenSSL")
    # A TLS handshake record (content type 22, version 3.x) left the board.
    assert hello.strip() == "CLIENTHELLO b'\\x16\\x03'"


def test_target_primitives_on_the_board(pico):
    # The same four primitives as the unix process (targets.py): put, run
    # with parameters, start and read lines as they come, stop on demand.
    pico.put({"greeting.py": b"WORDS = ('hello', 'board')\n"})
    out = pico.run("from greeting import WORDS\nprint(' '.join(WORDS), N * 2)\n", {"N": 21})
    assert (out.returncode, out.lines) == (0, ["hello board 42"]), out
    failed = pico.run("raise ValueError('on purpose')\n")
    assert failed.returncode == 1 and "ValueError: on purpose" in failed.stderr, failed
    running = pico.start("import sys\nfor i in range(3):\n    print('line', i)\nsys.stdin.readline()\n")
    assert [running.first_line, running.readline(30), running.readline(30)] == ["line 0", "line 1", "line 2"]
    running.kill()  # the script waits on its console: interrupted
    assert pico.run("print('still answering')").lines == ["still answering"]
