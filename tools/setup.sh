#!/usr/bin/env bash
# Install what the project needs on a fresh Debian machine: apt packages (only
# those missing), then a virtualenv with requirements.txt.  Idempotent and
# quiet when everything is already there.
#
#   tools/setup.sh            host tools for the unix port and the tests
#   tools/setup.sh rp2        ... plus the ARM cross toolchain for rp2, Node.js
#                             with npm for the emulated Pico (rp2040js), and ser2net
#                             to share its serial port over the network (RFC 2217)
set -euo pipefail
cd "$(dirname "$0")/.."

# faketime: the tests run the firmware with an unset (2021) clock.
APT_PACKAGES=(build-essential pkg-config libffi-dev openssl faketime valgrind)
if [[ " $* " == *" rp2 "* ]]; then
    APT_PACKAGES+=(cmake gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib ser2net)
    # A Node.js that is already there (with its own npm) is used as it is.
    if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
        APT_PACKAGES+=(nodejs npm)
    fi
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "setup: installing apt packages: ${missing[*]}" >&2
    if [[ $(id -u) -ne 0 ]]; then
        SUDO=sudo
    else
        SUDO=
    fi
    $SUDO apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

VENV=.venv
stamp="$VENV/.requirements.sha256"
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ ! -x "$VENV/bin/python" ]] || [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    echo "setup: creating $VENV with requirements.txt" >&2
    python3 -m venv "$VENV"
    log="$VENV/pip-install.log"
    if ! "$VENV/bin/pip" install -q --disable-pip-version-check -r requirements.txt > "$log" 2>&1; then
        cat "$log" >&2
        echo "setup: pip install failed (log: $log)" >&2
        exit 1
    fi
    echo "$want" > "$stamp"
fi
