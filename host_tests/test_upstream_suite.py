"""MicroPython's own ssl/tls tests against the modssl firmware (the peer suite).

Every test must end as recorded in upstream_suite.EXPECTED: passing, or
failing for the documented reason (a deliberate difference).  A test that
starts passing, or fails where it passed, fails here.
"""

from __future__ import annotations

import pytest

from modssl_harness import sources, upstream_suite


@pytest.fixture(scope="module")
def outcome(firmware):
    return upstream_suite.run(firmware, sources.micropython_tree())


@pytest.mark.parametrize("test", list(upstream_suite.EXPECTED))
def test_upstream(outcome, test):
    assert test in outcome, f"{test} did not run"
    reason = upstream_suite.EXPECTED[test]
    if reason is None:
        assert outcome[test] is True, f"{test} should pass on modssl\n{upstream_suite.DETAILS.get(test, '')}"
    else:
        assert outcome[test] is False, f"{test} is recorded as differing ({reason}) but did not fail"


def test_every_upstream_test_is_recorded(outcome):
    assert sorted(outcome) == sorted(upstream_suite.EXPECTED)


def test_readme_shows_the_table():
    from modssl_harness import paths

    assert upstream_suite.markdown_table() in (paths.REPO / "README.md").read_text()
