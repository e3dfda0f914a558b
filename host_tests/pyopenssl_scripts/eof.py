# Ends of a connection over memory BIOs: a record split across bio_write()
# calls (the want-read loop on recv), an unclean end of input, bio misuse.
# Globals: SERVER_CHAIN, SERVER_KEY.
from OpenSSL import SSL
from bio_pump import attempt, handshake, pair

server_ctx = SSL.Context(SSL.TLS_METHOD)
server_ctx.use_certificate_file(SERVER_CHAIN)
server_ctx.use_privatekey_file(SERVER_KEY)
client_ctx = SSL.Context(SSL.TLS_METHOD)

client, server = pair(client_ctx, server_ctx)
print("empty bio_read:", attempt(client.bio_read, 100))
print("pending before:", client.pending(), server.pending())
print("handshake:", handshake(client, server))
print("empty bio_read after:", attempt(client.bio_read, 100))

# One record fed a few bytes at a time: recv wants more until it is whole.
client.send(b"split record")
record = client.bio_read(65536)
wants = 0
got = None
for i in range(0, len(record), 7):
    server.bio_write(record[i:i + 7])
    try:
        got = server.recv(100)
        break
    except SSL.WantReadError:
        wants += 1
print("split record:", got, wants > 1)

# The transport ends without close_notify: SysCallError(-1, 'Unexpected EOF').
server.bio_shutdown()
print("unclean end:", attempt(server.recv, 100))
print("client still fine:", attempt(client.send, b"x"))

# bio_* need a memory BIO; type checks.
try:
    client.bio_read("100")
except TypeError:
    print("bio_read str: TypeError")
try:
    client.set_tlsext_host_name("text")
except TypeError:
    print("set_tlsext_host_name str: TypeError")
try:
    SSL.Context(SSL.TLS_METHOD).set_alpn_protos([])
except ValueError:
    print("empty ALPN list: ValueError")
