# What is frozen into every modssl firmware (FROZEN_MANIFEST).
#
# - asyncio, from the MicroPython tree being built (extmod/asyncio);
# - the Python faces of modssl: `ssl`, `ussl` and `OpenSSL.SSL` (python/).

include("$(MPY_DIR)/extmod/asyncio")

module("ssl.py", base_path="python", opt=3)
module("ussl.py", base_path="python", opt=3)
package("OpenSSL", base_path="python", opt=3)
