# Certificate verification failures over memory BIOs: an unknown CA, a verify
# callback that rejects, and a server that requires a client certificate.
# Globals: CA, OTHER_CA, SERVER_CHAIN, SERVER_KEY, CLIENT_CERT, CLIENT_KEY.
from OpenSSL import SSL
from bio_pump import attempt, handshake, name_of, pair


def server_context(verify=SSL.VERIFY_NONE):
    ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
    ctx.use_certificate_file(SERVER_CHAIN)
    ctx.use_privatekey_file(SERVER_KEY)
    ctx.set_verify(verify)
    if verify:
        ctx.load_verify_locations(CA)
    return ctx


def client_context(ca, callback=None, cert=False):
    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    ctx.load_verify_locations(ca)
    ctx.set_verify(SSL.VERIFY_PEER, callback)
    if cert:
        ctx.use_certificate_file(CLIENT_CERT)
        ctx.use_privatekey_file(CLIENT_KEY)
    return ctx


for version in (SSL.TLS1_2_VERSION, SSL.TLS1_3_VERSION):
    print("== max version", hex(version))
    client_ctx = client_context(OTHER_CA)
    client_ctx.set_max_proto_version(version)
    client, server = pair(client_ctx, server_context())
    outcome = handshake(client, server)
    # In TLS 1.3 the mbedTLS client's alert is not readable by an mbedTLS
    # server (it reports a bad record MAC): only the class is compared there.
    print("unknown CA:", outcome[0], outcome[1] if version == SSL.TLS1_2_VERSION else outcome[1].split()[0])
    print("  client cert after failure:", client.get_peer_certificate() is None or "present")

    seen = []

    def reject_leaf(conn, cert, errnum, depth, ok):
        seen.append((cert.get_subject().CN, depth))
        return depth != 0

    client_ctx = client_context(CA, reject_leaf)
    client_ctx.set_max_proto_version(version)
    client, server = pair(client_ctx, server_context())
    # (The alert the client then sends differs: OpenSSL internal_error,
    # mbedTLS access_denied; only the client side is compared.)
    print("callback rejects leaf:", handshake(client, server)[0], seen)

    def boom(conn, cert, errnum, depth, ok):
        raise ZeroDivisionError("from the callback")

    client_ctx = client_context(CA, boom)
    client_ctx.set_max_proto_version(version)
    client, server = pair(client_ctx, server_context())
    try:
        handshake(client, server)
    except ZeroDivisionError as exc:
        print("callback raises:", type(exc).__name__, exc)

    # The server wants a client certificate.
    required = SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT
    client_ctx = client_context(CA, cert=True)
    client_ctx.set_max_proto_version(version)
    client, server = pair(client_ctx, server_context(required))
    print("client cert given:", handshake(client, server))
    print("  server sees:", name_of(server.get_peer_certificate().get_subject()))
    client_ctx = client_context(CA)
    client_ctx.set_max_proto_version(version)
    client, server = pair(client_ctx, server_context(required))
    outcome = handshake(client, server)
    print("client cert missing:", outcome[1])
    if outcome[0] == "ok":  # TLS 1.3: the client learns it on its next read
        # The same for the server's certificate_required alert: class only.
        print("  client recv:", attempt(client.recv, 100).split()[0])
    else:
        print("  client:", outcome[0])
    client_ctx = client_context(CA)
    client_ctx.set_max_proto_version(version)
    client, server = pair(client_ctx, server_context(SSL.VERIFY_PEER))
    print("client cert optional:", handshake(client, server), server.get_peer_certificate())
