# The device side of the host link: TLS and DTLS for a board without a
# network, carried over its serial console (USB CDC) while a test script runs.
#
# The TLS engine runs here, on the board, over memory BIOs; only ciphertext
# crosses the link.  The harness (tools/modssl_harness/hostlink.py) forwards
# it to the named host server: a TCP connection for TLS, one UDP datagram per
# link message for DTLS.  Each request is one line on stdout starting with
# "\x1eL "; the host answers with one line on stdin:
#   open <tcp|udp> <server>   -> "OK <id>" | "ERR <why>"
#   send <id> <base64>        -> "OK"      | "ERR <why>"
#   recv <id> <timeout_ms>    -> "D <base64>" (empty: nothing in time) | "EOF"
#   close <id>                -> "OK"
import binascii
import gc
import ssl
import sys
import time

_MARK = "\x1eL "

# For the benchmarks: time spent waiting on the link (so it can be taken out
# of a handshake's time) and the largest heap use seen between link calls.
stats = {"calls": 0, "us": 0, "peak_alloc": 0}


def reset_stats():
    stats["calls"] = stats["us"] = 0
    stats["peak_alloc"] = gc.mem_alloc()


def _b64(data):
    return binascii.b2a_base64(data).decode().strip()


class LinkError(OSError):
    pass


def _call(*words):
    stats["peak_alloc"] = max(stats["peak_alloc"], gc.mem_alloc())
    start = time.ticks_us()
    sys.stdout.write(_MARK + " ".join(words) + "\n")
    reply = sys.stdin.readline().strip()
    stats["calls"] += 1
    stats["us"] += time.ticks_diff(time.ticks_us(), start)
    if reply.startswith("ERR"):
        raise LinkError(reply[4:])
    return reply


class _Channel:
    def __init__(self, kind, server):
        # Ciphertext travels as base64: no Ctrl-C (0x03) can appear in it, so
        # the console keeps its interrupt key.
        self.id = _call("open", kind, server)[3:]

    def send(self, data):
        if data:
            _call("send", self.id, _b64(data))

    def recv(self, timeout_ms):
        reply = _call("recv", self.id, str(timeout_ms))
        if reply == "EOF":
            return None
        return binascii.a2b_base64(reply[2:])

    def close(self):
        if self.id is not None:
            _call("close", self.id)
            self.id = None


class LinkConnection:
    """A TLS or DTLS client connection through the host link, with the
    socket-style calls the tests use: write/send, read/recv, version, close."""

    def __init__(self, ctx, kind, server, server_hostname):
        self._dtls = kind == "udp"
        self._channel = _Channel(kind, server)
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        try:
            self._tls = ctx.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)
            self._pump(self._tls.do_handshake)
        except Exception:
            self._channel.close()
            raise

    def _flush(self):
        self._channel.send(self._outgoing.read())

    def _fill(self):
        wait = 5000
        if self._dtls:
            timer = self._tls.dtls_get_timeout()  # seconds to the retransmission, or None
            if timer is not None:
                wait = int(timer * 1000)
        data = self._channel.recv(wait)
        if data is None:
            self._incoming.write_eof()
        elif data:
            self._incoming.write(data)
        elif self._dtls:
            self._tls.dtls_handle_timeout()  # resend the last flight
        else:
            raise OSError(110, "the host server sent nothing for 5 s")

    def _pump(self, op, *args):
        while True:
            try:
                result = op(*args)
            except ssl.SSLWantReadError:
                self._flush()
                self._fill()
            except Exception:
                self._flush()  # e.g. the alert that says why we gave up
                raise
            else:
                self._flush()
                return result

    def write(self, data):
        return self._pump(self._tls.write, data)

    send = write

    def read(self, n):
        return self._pump(self._tls.read, n)

    recv = read

    def version(self):
        return self._tls.version()

    def close(self):
        try:
            self._tls.unwrap()
            self._flush()
        except OSError:
            pass
        self._channel.close()
