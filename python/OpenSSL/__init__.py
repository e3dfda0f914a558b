"""pyOpenSSL's API on MicroPython, over modssl (mbedTLS): `OpenSSL.SSL` and a
minimal `OpenSSL.crypto`.  See docs/memory-bio.md for what differs."""

__version__ = "26.4.0+modssl"  # the pyOpenSSL release whose behaviour is followed
