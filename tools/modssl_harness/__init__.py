"""modssl harness: fetch sources, build firmware, flash boards, run device tests."""
