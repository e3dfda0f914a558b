"""The benchmarks behind `modssl-harness bench` (issue #7).

One module per concern: running scripts on a firmware (device), host-side
peers (peers, cpython_side), firmware variants (firmwares), the C ceiling
(ceiling), the measurements (handshake, bulk, memory, sizes, callgrind),
statistics and the report (stats, report), tied together by runner.
The on-device halves are plain MicroPython scripts in bench/device/.
"""
