# ALPN: the client's offer and the server's select callback, over memory BIOs.
# Globals: SERVER_CHAIN, SERVER_KEY.
from OpenSSL import SSL
from bio_pump import handshake, pair


def run(offer, choose, label):
    calls = []

    def select(conn, offered):
        calls.append(offered)
        return choose(offered)

    server_ctx = SSL.Context(SSL.TLS_METHOD)
    server_ctx.use_certificate_file(SERVER_CHAIN)
    server_ctx.use_privatekey_file(SERVER_KEY)
    server_ctx.set_alpn_select_callback(select)
    client_ctx = SSL.Context(SSL.TLS_METHOD)
    if offer:
        client_ctx.set_alpn_protos(offer)
    client, server = pair(client_ctx, server_ctx)
    outcome = handshake(client, server)
    if outcome != ("ok", "ok"):
        # OpenSSL sends internal_error, mbedTLS no_application_protocol.
        outcome = tuple(o.split()[0] for o in outcome)
    print(label, outcome, "offered:", calls)
    if outcome == ("ok", "ok"):
        print("  negotiated:", client.get_alpn_proto_negotiated(), server.get_alpn_proto_negotiated())


run([b"h2", b"http/1.1"], lambda offered: b"http/1.1", "pick the second:")
run([b"h2", b"http/1.1"], lambda offered: offered[0], "pick the first:")
run([b"h2"], lambda offered: SSL.NO_OVERLAPPING_PROTOCOLS, "no overlap, go on:")
run(None, lambda offered: b"h2", "client offers nothing:")
run([b"h2"], lambda offered: b"", "refuse:")

# A per-connection offer overrides the context's.
server_ctx = SSL.Context(SSL.TLS_METHOD)
server_ctx.use_certificate_file(SERVER_CHAIN)
server_ctx.use_privatekey_file(SERVER_KEY)
server_ctx.set_alpn_select_callback(lambda conn, offered: offered[-1])
client_ctx = SSL.Context(SSL.TLS_METHOD)
client_ctx.set_alpn_protos([b"h2"])
client, server = pair(client_ctx, server_ctx)
client.set_alpn_protos([b"spdy/3", b"mqtt"])
print("per connection:", handshake(client, server), client.get_alpn_proto_negotiated())
