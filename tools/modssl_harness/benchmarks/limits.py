"""How close the module gets to the library's limit for a handshake.

The ceiling program times each public-key operation alone; a handshake's
crypto floor is the sum of what one side must do.  ECDHE is X25519, the
group these peers agree on (OpenSSL's first choice, offered by mbedTLS).
"""

from __future__ import annotations

from .report import Row, Section
from .stats import Missing, Single

# Which operations one side performs, per row of the handshake section.
FLOORS = {
    "client, full, TLS 1.2, ECDSA P-256": ("ecdhe_x25519_us", "ecdsa_p256_verify_us", "ecdsa_p256_verify_us"),
    "client, full, TLS 1.2, RSA-2048": ("ecdhe_x25519_us", "rsa2048_verify_us", "rsa2048_verify_us"),
    "client, full, TLS 1.3, ECDSA P-256": ("ecdhe_x25519_us", "ecdsa_p256_verify_us", "ecdsa_p256_verify_us"),
    "server, full, TLS 1.2, ECDSA P-256": ("ecdhe_x25519_us", "ecdsa_p256_sign_us"),
    "server, full, TLS 1.2, RSA-2048": ("ecdhe_x25519_us", "rsa2048_sign_us"),
}


def section() -> Section:
    return Section("Handshake against the library's limit", "ms", ["ours", "ceiling"], ratios=[("ours", "ceiling")],
                   text="ceiling: the public-key operations that side performs (ECDHE + signature verify of the "
                        "key exchange + verify of the certificate, or ECDHE + sign), timed alone in "
                        "bench/ceiling/ceiling.c.  modssl: the median full handshake from the table above, "
                        "which also holds hashing, parsing, the peer's work and loopback I/O.")


def run(sec: Section, handshakes: list[Row], ceiling: dict[str, float]) -> None:
    by_name = {r.name: r for r in handshakes}
    for name, ops in FLOORS.items():
        row = by_name.get(name)
        ours = row.cells.get("ours") if row else None
        if ceiling and all(o in ceiling for o in ops):
            floor = Single(sum(ceiling[o] for o in ops) / 1000, "ms")
        else:
            floor = Missing("not built")
        sec.add(name, ours=ours if ours is not None else Missing("—"), ceiling=floor, note=" + ".join(ops))
