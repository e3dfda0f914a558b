# Protocol versions and cipher suites: TLS 1.2 and 1.3 pinned in each of the
# ways pyOpenSSL offers, OpenSSL cipher names, and a version mismatch.
# Globals: SERVER_CHAIN, SERVER_KEY, SERVER_RSA, SERVER_RSA_KEY.
from OpenSSL import SSL
from bio_pump import attempt, handshake, pair, relay


def server_context(method=SSL.TLS_METHOD, rsa=False):
    ctx = SSL.Context(method)
    ctx.use_certificate_file(SERVER_RSA if rsa else SERVER_CHAIN)
    ctx.use_privatekey_file(SERVER_RSA_KEY if rsa else SERVER_KEY)
    return ctx


def show(label, client_ctx, server_ctx):
    client, server = pair(client_ctx, server_ctx)
    outcome = handshake(client, server)
    if outcome != ("ok", "ok"):
        print(label, outcome)
        return
    client.sendall(b"ping")
    relay(client, server)
    print(label, client.get_protocol_version_name(), server.get_protocol_version_name(),
          hex(client.get_protocol_version()), client.get_cipher_name(), client.get_cipher_bits(),
          client.get_cipher_version(), server.recv(10))


client_ctx = SSL.Context(SSL.TLSv1_2_METHOD)
client_ctx.set_cipher_list(b"ECDHE-ECDSA-AES128-GCM-SHA256")
show("TLSv1_2_METHOD:", client_ctx, server_context())

client_ctx = SSL.Context(SSL.TLS_METHOD)
print("set_options:", bool(client_ctx.set_options(SSL.OP_NO_TLSv1_3) & SSL.OP_NO_TLSv1_3))
client_ctx.set_cipher_list(b"ECDHE-ECDSA-AES256-GCM-SHA384")
show("OP_NO_TLSv1_3:", client_ctx, server_context())

client_ctx = SSL.Context(SSL.SSLv23_METHOD)
client_ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
client_ctx.set_cipher_list(b"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
show("max 1.2, RSA, IANA name:", client_ctx, server_context(rsa=True))

client_ctx = SSL.Context(SSL.TLS_METHOD)
client_ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
client_ctx.set_cipher_list(b"FOO-BAR:ECDHE-ECDSA-CHACHA20-POLY1305")
show("unknown names skipped:", client_ctx, server_context())

client_ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
client_ctx.set_options(SSL.OP_NO_TLSv1_2 | SSL.OP_NO_TICKET | SSL.OP_NO_COMPRESSION)
client_ctx.set_tls13_ciphersuites(b"TLS_AES_128_GCM_SHA256")
show("OP_NO_TLSv1_2:", client_ctx, server_context(SSL.TLS_SERVER_METHOD))

client_ctx = SSL.Context(SSL.TLS_METHOD)
client_ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
client_ctx.set_tls13_ciphersuites(b"TLS_CHACHA20_POLY1305_SHA256")
show("min 1.3:", client_ctx, server_context())

client_ctx = SSL.Context(SSL.TLS_METHOD)
client_ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
server_ctx = server_context()
server_ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
client, server = pair(client_ctx, server_ctx)
print("1.2 client, 1.3 server:", tuple(o.split()[0] for o in handshake(client, server)))

ctx = SSL.Context(SSL.TLS_METHOD)
print("no cipher match:", attempt(ctx.set_cipher_list, b"FOO-BAR"))
try:
    SSL.Context(99)
except ValueError as exc:
    print("bad method:", exc)
conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
print("no state:", attempt(conn.do_handshake))
print("used context:", end=" ")
try:
    conn.get_context().set_cipher_list(b"AES128-SHA")
except ValueError:
    print("ValueError")
print("session cache:", ctx.set_session_cache_mode(SSL.SESS_CACHE_OFF) == SSL.SESS_CACHE_SERVER,
      ctx.get_session_cache_mode() == SSL.SESS_CACHE_OFF)
