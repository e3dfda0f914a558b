"""docs/memory-bio.md's worked example runs on the firmware and prints what
the page says it prints."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "memory-bio.md"


def test_uart_example_runs_as_documented(mp, pki):
    text = DOC.read_text()
    code = "\n".join(re.findall(r"```python\n(.*?)```", text, re.S))
    files = {
        '"server.pem"': repr(str(pki["server_ec"].chain_pem)),
        '"server.key"': repr(str(pki["server_ec"].key_pem)),
        '"ca.pem"': repr(str(pki["ca"].cert_pem)),
    }
    for name, path in files.items():
        assert name in code
        code = code.replace(name, path)
    printed = re.search(r"It prints:\n\n```\n(.*?)```", text, re.S).group(1).splitlines()
    assert mp.run(code).lines == printed
