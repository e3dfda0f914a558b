"""Reading and checking UF2 files (the format rp2 boards are flashed with).

A UF2 file is a sequence of 512-byte blocks, each with two start magics, a
flags word, a target address, a payload size, its number and the total
count, a family id (when flag 0x2000 is set) and an end magic.  Checking
these catches a truncated or wrong-chip image before it reaches a board.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

BLOCK_SIZE = 512
MAGIC_START0 = 0x0A324655  # "UF2\n"
MAGIC_START1 = 0x9E5D5157
MAGIC_END = 0x0AB16F30
FLAG_FAMILY_ID_PRESENT = 0x00002000
FLAG_NOT_MAIN_FLASH = 0x00000001
FAMILY_RP2040 = 0xE48BFF56
RP2040_FLASH_BASE = 0x10000000

_HEADER = struct.Struct("<8I")  # the first 32 bytes of a block


class Uf2Error(ValueError):
    """The file is not a well-formed UF2 image for the expected chip."""


@dataclass(frozen=True)
class Block:
    flags: int
    address: int
    payload_size: int
    number: int
    count: int
    family: int | None


def blocks(data: bytes) -> list[Block]:
    if not data or len(data) % BLOCK_SIZE:
        raise Uf2Error(f"size {len(data)} is not a non-zero multiple of {BLOCK_SIZE}")
    result = []
    for offset in range(0, len(data), BLOCK_SIZE):
        raw = data[offset:offset + BLOCK_SIZE]
        m0, m1, flags, address, size, number, count, family = _HEADER.unpack_from(raw)
        (end,) = struct.unpack_from("<I", raw, BLOCK_SIZE - 4)
        if (m0, m1, end) != (MAGIC_START0, MAGIC_START1, MAGIC_END):
            raise Uf2Error(f"block at offset {offset}: bad magic numbers")
        if size > 476:
            raise Uf2Error(f"block at offset {offset}: payload size {size} > 476")
        result.append(
            Block(flags, address, size, number, count, family if flags & FLAG_FAMILY_ID_PRESENT else None)
        )
    return result


def check(path: Path, family: int = FAMILY_RP2040) -> list[Block]:
    """Raise Uf2Error unless path is a complete UF2 image for `family`."""
    bl = blocks(path.read_bytes())
    count = bl[0].count
    if [b.number for b in bl] != list(range(len(bl))) or any(b.count != count for b in bl) or count != len(bl):
        raise Uf2Error(f"{path}: block numbers are not 0..{len(bl) - 1} of {len(bl)} (truncated or reordered)")
    flash = [b for b in bl if not b.flags & FLAG_NOT_MAIN_FLASH]
    wrong = {b.family for b in flash} - {family}
    if wrong:
        raise Uf2Error(
            f"{path}: family id {', '.join(hex(f) if f is not None else 'none' for f in wrong)}, expected {family:#x}"
        )
    if family == FAMILY_RP2040 and flash[0].address != RP2040_FLASH_BASE:
        raise Uf2Error(f"{path}: image starts at {flash[0].address:#x}, not the RP2040 flash base")
    return bl
