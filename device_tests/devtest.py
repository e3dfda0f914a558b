# Minimal on-device test reporting (plain MicroPython: no unittest needed).
#
# Each check prints one line the host harness parses:
#   PASS <name>
#   FAIL <name>: <reason>
# and run_all() ends with "DONE <passed> <failed>".  "TIME <name> <ms>" lines
# give each check's duration on the device's own clock (emulated time on
# the emulated Pico).
import time

_results = []


def check(fn):
    _results.append(fn)
    return fn


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def run_all():
    passed = failed = 0
    for fn in _results:
        name = fn.__name__
        start = time.ticks_ms()
        try:
            fn()
        except Exception as e:  # noqa: BLE001 -- report every failure
            failed += 1
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
        else:
            passed += 1
            print("PASS %s" % name)
        print("TIME %s %d" % (name, time.ticks_diff(time.ticks_ms(), start)))
    print("DONE %d %d" % (passed, failed))
