# DTLS 1.2 over memory BIOs: each bio_read() is one datagram handed to the
# peer's bio_write().  The handshakes differ in round trips (an mbedTLS
# server always asks for a HelloVerify cookie, an OpenSSL one only with
# OP_COOKIE_EXCHANGE), so only results are printed, not the want-read log.
# Globals: CA, SERVER_CHAIN, SERVER_KEY.
from OpenSSL import SSL
from bio_pump import attempt, handshake, name_of, pair, relay

for client_method, server_method in ((SSL.DTLS_METHOD, SSL.DTLS_METHOD),
                                     (SSL.DTLS_CLIENT_METHOD, SSL.DTLS_SERVER_METHOD)):
    server_ctx = SSL.Context(server_method)
    server_ctx.use_certificate_chain_file(SERVER_CHAIN)
    server_ctx.use_privatekey_file(SERVER_KEY)
    client_ctx = SSL.Context(client_method)
    client_ctx.load_verify_locations(CA)
    client_ctx.set_verify(SSL.VERIFY_PEER)
    client_ctx.set_cipher_list(b"ECDHE-ECDSA-AES128-GCM-SHA256")
    client, server = pair(client_ctx, server_ctx)
    print("handshake:", handshake(client, server, rounds=20))
    print("version:", client.get_protocol_version_name(), server.get_protocol_version_name())
    print("cipher:", client.get_cipher_name(), server.get_cipher_name())
    print("peer:", name_of(client.get_peer_certificate().get_subject()))
    for n in (1, 100, 1000):
        client.send(b"d" * n)
        relay(client, server)
        got = server.recv(2000)
        server.send(b"r" * len(got))
        relay(server, client)
        print("datagram", n, len(client.recv(2000)))
    print("nothing more:", attempt(server.recv, 2000))
    print("shutdown:", client.shutdown())
    relay(client, server)
    print("server recv:", attempt(server.recv, 2000))
