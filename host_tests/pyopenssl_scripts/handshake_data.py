# A TLS client and server in one process, over memory BIOs: handshake (the
# want-read loop), certificates, data both ways, pending(), clean shutdown.
# Globals: CA, SERVER_CHAIN, SERVER_KEY (paths).
from OpenSSL import SSL
from bio_pump import attempt, handshake, name_of, pair, relay

calls = []


def on_verify(conn, cert, errnum, depth, ok):
    calls.append("verify %s depth=%d ok=%d" % (cert.get_subject().CN, depth, ok))
    return ok


server_ctx = SSL.Context(SSL.TLS_METHOD)
server_ctx.use_certificate_chain_file(SERVER_CHAIN)
server_ctx.use_privatekey_file(SERVER_KEY)
server_ctx.check_privatekey()

client_ctx = SSL.Context(SSL.TLS_METHOD)
client_ctx.load_verify_locations(CA)
client_ctx.set_verify(SSL.VERIFY_PEER, on_verify)
# The default preference differs between OpenSSL and mbedTLS: offer one suite.
client_ctx.set_tls13_ciphersuites(b"TLS_AES_128_GCM_SHA256")

client, server = pair(client_ctx, server_ctx)
print("before:", client.get_peer_certificate(), client.get_cipher_name())
log = []
print("handshake:", handshake(client, server, log))
for line in log:
    print(" ", line)
for line in calls:
    print(" ", line)
print("versions:", client.get_protocol_version_name(), server.get_protocol_version_name())
print("ciphers:", client.get_cipher_name(), server.get_cipher_name(), client.get_cipher_bits())
peer = client.get_peer_certificate()
print("server cert:", name_of(peer.get_subject()), "| issuer:", peer.get_issuer().commonName)
print("server cert attrs:", peer.get_subject().CN, peer.get_subject().O, peer.get_subject().C)
print("client cert seen by server:", server.get_peer_certificate())
print("servername:", server.get_servername(), client.get_servername())
print("alpn:", client.get_alpn_proto_negotiated(), server.get_alpn_proto_negotiated())

# Nothing to read yet: the want-read loop on recv.
print("server recv empty:", attempt(server.recv, 1024))
print("client sent:", client.send(b"hello from the client"))
relay(client, server)
print("server got:", server.recv(1024))
print("server sendall:", server.sendall(b"x" * 3000 + b"end"))
relay(server, client)
first = client.recv(100)
print("client got:", len(first), "pending:", client.pending())
rest = b""
while True:
    try:
        rest += client.recv(65536)
    except SSL.WantReadError:
        break
print("client rest:", len(rest), rest[-3:], "pending:", client.pending())

# Clean shutdown, client first.
print("client shutdown:", client.shutdown(), client.get_shutdown())
print("client send after shutdown:", attempt(client.send, b"late"))
relay(client, server)
print("server recv:", attempt(server.recv, 1024), server.get_shutdown())
print("server recv again:", attempt(server.recv, 1024))
print("server shutdown:", server.shutdown(), server.get_shutdown())
relay(server, client)
print("client shutdown again:", client.shutdown(), client.get_shutdown())
print("client recv:", attempt(client.recv, 1024))
