"""The legacy `ussl` name: the same module as `ssl`."""

from ssl import *  # noqa: F401,F403
from ssl import wrap_socket  # noqa: F401
