# The harness's pytest plugin (--target: where device scripts run), for every
# test directory: tools/modssl_harness/pytest_plugin.py.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

pytest_plugins = ["modssl_harness.pytest_plugin"]
