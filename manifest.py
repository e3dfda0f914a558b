# What is frozen into every modssl firmware (FROZEN_MANIFEST).
#
# - asyncio, from the MicroPython tree being built (extmod/asyncio);
# - the Python faces of modssl: `ssl`, `ussl` (python/);
# - `OpenSSL.SSL` (pyOpenSSL's API) when `openssl` is true: the default, as
#   for the unix firmware.  Boards include this file with openssl=False:
#   the package is about 21 KB of flash, and they install it when they want
#   it (README: "pyOpenSSL's API on a board").

options.defaults(openssl=True)

include("$(MPY_DIR)/extmod/asyncio")

module("ssl.py", base_path="python", opt=3)
module("ussl.py", base_path="python", opt=3)
if options.openssl:
    package("OpenSSL", base_path="python", opt=3)
