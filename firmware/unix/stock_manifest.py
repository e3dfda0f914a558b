# Frozen into the stock upstream unix firmware (the baseline): asyncio only.
# Upstream's `ssl` wrapper lives in micropython-lib, which the Debian source
# does not ship; benchmarks use upstream's `tls` module directly.
include("$(MPY_DIR)/extmod/asyncio")
