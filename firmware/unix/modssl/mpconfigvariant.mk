# The unix firmware with modssl (see firmware/unix/modssl/mpconfigvariant.h).
# Upstream's `tls` is off: modssl provides `tls`, `ssl` and `OpenSSL.SSL`.
MICROPY_PY_SSL = 0
MICROPY_PY_BTREE = 0
