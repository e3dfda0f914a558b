# A minimal unittest for running MicroPython's own unittest-based tests
# (micropython-lib, which ships the real one, is not in Debian's source).
# It prints the summary block tests/run-tests.py recognises.


class SkipTest(Exception):
    pass


class _AssertRaises:
    def __init__(self, exc):
        self.expected = exc
        self.exception = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            raise AssertionError("%r not raised" % (self.expected,))
        if issubclass(exc_type, self.expected):
            self.exception = exc
            return True
        return False


class TestCase:
    def setUp(self):
        pass

    def tearDown(self):
        pass

    def skipTest(self, reason):
        raise SkipTest(reason)

    def fail(self, msg=None):
        raise AssertionError(msg or "failed")

    def assertTrue(self, x, msg=None):
        if not x:
            raise AssertionError(msg or "%r is not true" % (x,))

    def assertFalse(self, x, msg=None):
        if x:
            raise AssertionError(msg or "%r is not false" % (x,))

    def assertEqual(self, a, b, msg=None):
        if not a == b:
            raise AssertionError(msg or "%r != %r" % (a, b))

    def assertNotEqual(self, a, b, msg=None):
        if a == b:
            raise AssertionError(msg or "%r == %r" % (a, b))

    def assertIs(self, a, b, msg=None):
        if a is not b:
            raise AssertionError(msg or "%r is not %r" % (a, b))

    def assertIsNone(self, x, msg=None):
        self.assertIs(x, None, msg)

    def assertIsNotNone(self, x, msg=None):
        if x is None:
            raise AssertionError(msg or "unexpectedly None")

    def assertIn(self, a, b, msg=None):
        if a not in b:
            raise AssertionError(msg or "%r not in %r" % (a, b))

    def assertIsInstance(self, x, t, msg=None):
        if not isinstance(x, t):
            raise AssertionError(msg or "%r is not an instance of %r" % (x, t))

    def assertRaises(self, exc, func=None, *args, **kwargs):
        ctx = _AssertRaises(exc)
        if func is None:
            return ctx
        with ctx:
            func(*args, **kwargs)


def main(module="__main__"):
    if isinstance(module, str):
        # MicroPython does not list __main__ in sys.modules; import it.
        mod = __import__(module)
    else:
        mod = module
    run = failures = errors = skipped = 0
    for name in dir(mod):
        cls = getattr(mod, name)
        if not (isinstance(cls, type) and issubclass(cls, TestCase) and cls is not TestCase):
            continue
        for attr in dir(cls):
            if not attr.startswith("test"):
                continue
            case = cls()
            run += 1
            try:
                case.setUp()
                try:
                    getattr(case, attr)()
                finally:
                    case.tearDown()
                print("%s (%s.%s) ... ok" % (attr, module, name))
            except SkipTest as e:
                skipped += 1
                print("%s (%s.%s) ... skipped: %s" % (attr, module, name, e))
            except AssertionError as e:
                failures += 1
                print("%s (%s.%s) ... FAIL: %s" % (attr, module, name, e))
            except Exception as e:  # noqa: BLE001
                errors += 1
                print("%s (%s.%s) ... ERROR: %r" % (attr, module, name, e))
    print("-" * 70)
    print("Ran %d tests" % run)
    print()
    if failures or errors:
        print("FAILED (failures=%d, errors=%d)" % (failures, errors))
    elif skipped:
        print("OK (skipped=%d)" % skipped)
    else:
        print("OK")
