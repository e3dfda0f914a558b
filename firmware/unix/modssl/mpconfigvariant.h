// The unix firmware with modssl: the standard variant, with modssl's `tls`
// module (from USER_C_MODULES) in place of upstream's.

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)

// mbedTLS allocates on the GC heap (see ports/unix/mbedtls_config_port.h).
#define MICROPY_TRACKED_ALLOC (1)

// hashlib and cryptolib use the same mbedTLS that modssl compiles.
#define MICROPY_SSL_MBEDTLS (1)
#define MICROPY_PY_CRYPTOLIB (1)
#define MICROPY_PY_CRYPTOLIB_CTR (1)

// Objects with __del__ (SSLContext, SSLSocket) free mbedTLS state when
// collected.
#define MICROPY_ENABLE_FINALISER (1)

#include "variants/mpconfigvariant_common.h"

// select as on a board: poll()/select() ask each object's ioctl, instead of
// handing raw file descriptors to the OS -- which would miss plaintext that
// mbedTLS has already decrypted and buffered -- and select.select() exists.
#undef MICROPY_PY_SELECT_POSIX_OPTIMISATIONS
#define MICROPY_PY_SELECT_POSIX_OPTIMISATIONS (0)
#undef MICROPY_PY_SELECT_SELECT
#define MICROPY_PY_SELECT_SELECT (1)
