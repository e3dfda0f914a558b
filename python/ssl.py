"""`ssl` for MicroPython, over modssl's `tls` C module.

One module serves code written for three APIs:

- MicroPython's current `ssl`: ``wrap_socket(sock, server_side, key, cert,
  cert_reqs, cadata, server_hostname, do_handshake)`` and ``SSLContext``;
- the legacy ``ussl.wrap_socket`` keywords ``keyfile``, ``certfile`` and
  ``ca_certs`` (file paths or bytes);
- CPython-style names: ``SSLError``, ``TLSVersion``, ``MemoryBIO``,
  ``SSLContext.wrap_bio``, ``create_default_context``.

Only keyword translation lives here; everything else is C.
"""

from tls import *  # noqa: F401,F403 -- re-export the C module's API
from tls import (
    CERT_NONE,
    PROTOCOL_TLS_CLIENT,
    PROTOCOL_TLS_SERVER,
    SSLContext,
)
import tls as _tls

OPENSSL_VERSION = _tls.MBEDTLS_VERSION


class TLSVersion:
    """CPython's ssl.TLSVersion values, for minimum_version/maximum_version."""

    MINIMUM_SUPPORTED = -2
    MAXIMUM_SUPPORTED = -1
    TLSv1_2 = _tls.TLSv1_2
    TLSv1_3 = _tls.TLSv1_3


class Purpose:
    """CPython's ssl.Purpose, for create_default_context()."""

    SERVER_AUTH = "SERVER_AUTH"  # a client authenticating servers
    CLIENT_AUTH = "CLIENT_AUTH"  # a server authenticating clients


def create_default_context(purpose=Purpose.SERVER_AUTH, *, cafile=None, capath=None, cadata=None):
    """A context with CPython's secure defaults (verification on for clients).

    Without cafile/capath/cadata a verifying context trusts the firmware's
    built-in root store (load_default_certs()), as CPython trusts the system's.
    """
    if purpose == Purpose.SERVER_AUTH:
        ctx = SSLContext(PROTOCOL_TLS_CLIENT)
    else:
        ctx = SSLContext(PROTOCOL_TLS_SERVER)
    if cafile is not None or cadata is not None or capath is not None:
        ctx.load_verify_locations(cafile, capath, cadata)
    elif ctx.verify_mode != CERT_NONE:
        ctx.load_default_certs(purpose)
    return ctx


def wrap_socket(
    sock,
    server_side=False,
    key=None,
    cert=None,
    cert_reqs=CERT_NONE,
    cadata=None,
    server_hostname=None,
    do_handshake=True,
    *,
    keyfile=None,
    certfile=None,
    ca_certs=None,
    do_handshake_on_connect=None,
):
    """Wrap a stream socket; accepts both the current and the legacy keywords.

    key/cert/cadata are data (bytes, PEM or DER); keyfile/certfile/ca_certs
    are the legacy names and may be file paths or data.
    """
    if key is not None and keyfile is not None:
        raise TypeError("give key or keyfile, not both")
    if cert is not None and certfile is not None:
        raise TypeError("give cert or certfile, not both")
    if cadata is not None and ca_certs is not None:
        raise TypeError("give cadata or ca_certs, not both")
    if do_handshake_on_connect is not None:
        do_handshake = do_handshake_on_connect
    key = key if key is not None else keyfile
    cert = cert if cert is not None else certfile
    cadata = cadata if cadata is not None else ca_certs

    ctx = SSLContext(PROTOCOL_TLS_SERVER if server_side else PROTOCOL_TLS_CLIENT)
    # A verifying client checks the hostname too, so CERT_REQUIRED without
    # server_hostname is an error (as upstream MicroPython).
    ctx.check_hostname = cert_reqs != CERT_NONE and not server_side
    ctx.verify_mode = cert_reqs
    if key is not None or cert is not None:
        # The key is checked first; a key without a cert is a TypeError.
        ctx.load_cert_chain(cert, key)
    if cadata is not None:
        if isinstance(cadata, str) and "-----BEGIN" not in cadata:
            ctx.load_verify_locations(cafile=cadata)
        else:
            ctx.load_verify_locations(cadata=cadata)
    return ctx.wrap_socket(
        sock,
        server_side=server_side,
        server_hostname=server_hostname,
        do_handshake_on_connect=do_handshake,
    )
