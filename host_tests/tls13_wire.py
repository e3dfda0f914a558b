"""A minimal TLS 1.3 client written from RFC 8446 with `cryptography`, for
tests that must send records no real TLS stack would: a KeyUpdate followed
by more data in one record, an alert with an unknown level, a plaintext
over 2^14 bytes, all under the connection's real keys.

One suite (TLS_AES_128_GCM_SHA256), one group (X25519); the server's
certificate is not verified (the tests are about records, not trust)."""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
import struct

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HANDSHAKE, APPLICATION_DATA, ALERT, CHANGE_CIPHER_SPEC = 22, 23, 21, 20
KEY_UPDATE, FINISHED, NEW_SESSION_TICKET = 24, 20, 4


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand_label(secret: bytes, label: str, context: bytes, length: int) -> bytes:
    full = b"tls13 " + label.encode()
    info = struct.pack(">H", length) + bytes([len(full)]) + full + bytes([len(context)]) + context
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def derive_secret(secret: bytes, label: str, transcript: bytes) -> bytes:
    return hkdf_expand_label(secret, label, hashlib.sha256(transcript).digest(), 32)


def handshake_message(msg_type: int, body: bytes) -> bytes:
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def key_update(request: bool = False) -> bytes:
    return handshake_message(KEY_UPDATE, bytes([1 if request else 0]))


class Direction:
    """One direction's traffic keys and record sequence number."""

    def __init__(self, secret: bytes) -> None:
        self.set(secret)

    def set(self, secret: bytes) -> None:
        self.secret = secret
        self.aead = AESGCM(hkdf_expand_label(secret, "key", b"", 16))
        self.iv = hkdf_expand_label(secret, "iv", b"", 12)
        self.seq = 0

    def update(self) -> None:
        self.set(hkdf_expand_label(self.secret, "traffic upd", b"", 32))

    def nonce(self) -> bytes:
        n = bytes(4) + self.seq.to_bytes(8, "big")
        self.seq += 1
        return bytes(a ^ b for a, b in zip(n, self.iv))

    def seal(self, content_type: int, data: bytes, padding: int = 0) -> bytes:
        inner = data + bytes([content_type]) + bytes(padding)
        header = bytes([APPLICATION_DATA, 3, 3]) + (len(inner) + 16).to_bytes(2, "big")
        return header + self.aead.encrypt(self.nonce(), inner, header)

    def open(self, header: bytes, body: bytes) -> tuple[int, bytes]:
        inner = self.aead.decrypt(self.nonce(), body, header).rstrip(b"\0")
        return inner[-1], inner[:-1]


class Tls13Client:
    def __init__(self, port: int, timeout: float = 20) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self._buf = b""
        self._handshake()

    # --- records ---------------------------------------------------------

    def _read_exact(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionAbortedError("closed by the server")
            self._buf += chunk
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def read_record(self) -> tuple[int, bytes, bytes]:
        header = self._read_exact(5)
        return header[0], header, self._read_exact(int.from_bytes(header[3:5], "big"))

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send(self, content_type: int, data: bytes, padding: int = 0) -> None:
        self.sock.sendall(self.out.seal(content_type, data, padding))

    def seal(self, content_type: int, data: bytes, padding: int = 0) -> bytes:
        return self.out.seal(content_type, data, padding)

    def receive(self) -> tuple[int, bytes]:
        """The next protected record from the server, decrypted; session
        tickets are skipped."""
        while True:
            outer, header, body = self.read_record()
            if outer == CHANGE_CIPHER_SPEC:
                continue
            assert outer == APPLICATION_DATA, f"unprotected record of type {outer}: {body!r}"
            content_type, data = self.into.open(header, body)
            if content_type == HANDSHAKE and data[:1] == bytes([NEW_SESSION_TICKET]):
                continue
            return content_type, data

    def alert(self) -> tuple[int, int] | None:
        """The server's answer to what was sent, as (level, description) of
        its alert; None if it closed without one."""
        try:
            content_type, data = self.receive()
        except (ConnectionAbortedError, ConnectionResetError):
            return None
        assert content_type == ALERT, f"not an alert: type {content_type}, {data!r}"
        return data[0], data[1]

    def close(self) -> None:
        self.sock.close()

    # --- the handshake -----------------------------------------------------

    def _handshake(self) -> None:
        key = X25519PrivateKey.generate()
        share = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

        def ext(ext_type: int, body: bytes) -> bytes:
            return struct.pack(">HH", ext_type, len(body)) + body

        extensions = (
            ext(43, b"\x02\x03\x04")                                        # supported_versions: TLS 1.3
            + ext(10, b"\x00\x02\x00\x1d")                                  # supported_groups: x25519
            + ext(51, struct.pack(">HHH", 36, 0x1D, 32) + share)            # key_share
            + ext(13, b"\x00\x06\x04\x03\x08\x04\x08\x09")                  # signature_algorithms
        )
        body = (b"\x03\x03" + os.urandom(32) + b"\x20" + os.urandom(32) + b"\x00\x02\x13\x01\x01\x00"
                + struct.pack(">H", len(extensions)) + extensions)
        hello = handshake_message(1, body)
        self.send_raw(bytes([HANDSHAKE, 3, 1]) + len(hello).to_bytes(2, "big") + hello)
        transcript = hello

        content_type, _, server_hello = self.read_record()
        assert content_type == HANDSHAKE and server_hello[0] == 2, f"no ServerHello: {server_hello[:8]!r}"
        transcript += server_hello
        server_share = self._server_share(server_hello)
        shared = key.exchange(X25519PublicKey.from_public_bytes(server_share))

        early = hkdf_extract(bytes(32), bytes(32))
        hs_secret = hkdf_extract(derive_secret(early, "derived", b""), shared)
        c_hs = derive_secret(hs_secret, "c hs traffic", transcript)
        s_hs = derive_secret(hs_secret, "s hs traffic", transcript)
        self.into, self.out = Direction(s_hs), Direction(c_hs)

        pending = b""
        while True:
            content_type, data = self.receive()
            assert content_type == HANDSHAKE, (content_type, data)
            pending += data
            done = False
            while len(pending) >= 4:
                length = int.from_bytes(pending[1:4], "big")
                if len(pending) < 4 + length:
                    break
                msg, pending = pending[:4 + length], pending[4 + length:]
                if msg[0] == FINISHED:
                    transcript += msg
                    done = True
                    break
                transcript += msg
            if done:
                break

        master = hkdf_extract(derive_secret(hs_secret, "derived", b""), bytes(32))
        c_ap = derive_secret(master, "c ap traffic", transcript)
        s_ap = derive_secret(master, "s ap traffic", transcript)
        finished_key = hkdf_expand_label(c_hs, "finished", b"", 32)
        verify = hmac.new(finished_key, hashlib.sha256(transcript).digest(), hashlib.sha256).digest()
        self.send_raw(b"\x14\x03\x03\x00\x01\x01")  # middlebox compatibility
        self.send(HANDSHAKE, handshake_message(FINISHED, verify))
        self.into, self.out = Direction(s_ap), Direction(c_ap)

    @staticmethod
    def _server_share(server_hello: bytes) -> bytes:
        p = 4 + 2 + 32
        p += 1 + server_hello[p]              # legacy_session_id_echo
        suite = server_hello[p:p + 2]
        assert suite == b"\x13\x01", f"suite {suite.hex()}"
        p += 3                                # cipher_suite, legacy_compression_method
        end = p + 2 + int.from_bytes(server_hello[p:p + 2], "big")
        p += 2
        while p < end:
            ext_type, length = struct.unpack(">HH", server_hello[p:p + 4])
            if ext_type == 51:
                group, key_len = struct.unpack(">HH", server_hello[p + 4:p + 8])
                assert group == 0x1D, f"HelloRetryRequest or another group: {group:#x}"
                return server_hello[p + 8:p + 8 + key_len]
            p += 4 + length
        raise AssertionError("ServerHello without key_share")


class Tls13Server:
    """The server side, for one client already accepted on `sock`: answers
    its ClientHello (X25519 or secp256r1 key share) with an ECDSA P-256
    certificate chain and key (PEM paths), then application data flows.
    With an RSA key it signs rsa_pss_rsae_sha256 with a salt of
    `pss_salt_length` bytes (RFC 8446 asks for the hash's length, 32)."""

    def __init__(self, sock: socket.socket, cert_pem, key_pem, pss_salt_length: int = 32) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        self.sock = sock
        self._buf = b""
        self.certs = [c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(open(cert_pem, "rb").read())]
        self.key = load_pem_private_key(open(key_pem, "rb").read(), None)
        self.pss_salt_length = pss_salt_length
        self._handshake()

    _read_exact = Tls13Client._read_exact
    read_record = Tls13Client.read_record
    send_raw = Tls13Client.send_raw
    send = Tls13Client.send
    receive = Tls13Client.receive
    alert = Tls13Client.alert
    close = Tls13Client.close

    def _client_hello(self) -> bytes:
        content_type, _, data = self.read_record()
        assert content_type == HANDSHAKE and data[0] == 1, data[:8]
        while len(data) < 4 + int.from_bytes(data[1:4], "big"):
            data += self.read_record()[2]
        return data

    def _handshake(self) -> None:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        hello = self._client_hello()
        p = 4 + 2 + 32
        session_id = hello[p + 1:p + 1 + hello[p]]
        p += 1 + hello[p]
        p += 2 + int.from_bytes(hello[p:p + 2], "big")   # cipher_suites (TLS_AES_128_GCM_SHA256 assumed)
        p += 1 + hello[p]                                 # compression
        end = p + 2 + int.from_bytes(hello[p:p + 2], "big")
        p += 2
        shares = {}
        while p < end:
            ext_type, length = struct.unpack(">HH", hello[p:p + 4])
            if ext_type == 51:
                q, q_end = p + 6, p + 4 + length
                while q < q_end:
                    group, key_len = struct.unpack(">HH", hello[q:q + 4])
                    shares[group] = hello[q + 4:q + 4 + key_len]
                    q += 4 + key_len
            p += 4 + length
        if 0x1D in shares:
            group, mine = 0x1D, X25519PrivateKey.generate()
            public = mine.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            shared = mine.exchange(X25519PublicKey.from_public_bytes(shares[0x1D]))
        else:
            group, mine = 0x17, ec.generate_private_key(ec.SECP256R1())
            public = mine.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
            peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), shares[0x17])
            shared = mine.exchange(ec.ECDH(), peer)

        def ext(ext_type: int, body: bytes) -> bytes:
            return struct.pack(">HH", ext_type, len(body)) + body

        extensions = ext(43, b"\x03\x04") + ext(51, struct.pack(">HH", group, len(public)) + public)
        server_hello = handshake_message(2, b"\x03\x03" + os.urandom(32) + bytes([len(session_id)]) + session_id
                                         + b"\x13\x01\x00" + struct.pack(">H", len(extensions)) + extensions)
        self.send_raw(bytes([HANDSHAKE, 3, 3]) + len(server_hello).to_bytes(2, "big") + server_hello)
        transcript = hello + server_hello

        early = hkdf_extract(bytes(32), bytes(32))
        hs_secret = hkdf_extract(derive_secret(early, "derived", b""), shared)
        c_hs = derive_secret(hs_secret, "c hs traffic", transcript)
        s_hs = derive_secret(hs_secret, "s hs traffic", transcript)
        self.into, self.out = Direction(c_hs), Direction(s_hs)

        flight = handshake_message(8, b"\x00\x00")                          # EncryptedExtensions
        chain = b"".join(len(c).to_bytes(3, "big") + c + b"\x00\x00" for c in self.certs)
        flight += handshake_message(11, b"\x00" + len(chain).to_bytes(3, "big") + chain)
        signed = b" " * 64 + b"TLS 1.3, server CertificateVerify\x00" + hashlib.sha256(transcript + flight).digest()
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            scheme, signature = b"\x04\x03", self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        else:
            from cryptography.hazmat.primitives.asymmetric import padding
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=self.pss_salt_length)
            scheme, signature = b"\x08\x04", self.key.sign(signed, pss, hashes.SHA256())
        flight += handshake_message(15, scheme + struct.pack(">H", len(signature)) + signature)
        finished_key = hkdf_expand_label(s_hs, "finished", b"", 32)
        verify = hmac.new(finished_key, hashlib.sha256(transcript + flight).digest(), hashlib.sha256).digest()
        flight += handshake_message(FINISHED, verify)
        transcript += flight
        self.send(HANDSHAKE, flight)

        master = hkdf_extract(derive_secret(hs_secret, "derived", b""), bytes(32))
        c_ap = derive_secret(master, "c ap traffic", transcript)
        s_ap = derive_secret(master, "s ap traffic", transcript)
        content_type, data = self.receive()                                 # the client's Finished
        assert content_type == HANDSHAKE and data[0] == FINISHED, (content_type, data[:8])
        self.into, self.out = Direction(c_ap), Direction(s_ap)
