"""tests/distributed runs only in the distributed test mode (`make test-distributed`), so `make test` stays fast."""

import os

if os.environ.get("BANGNIN_TEST_RUNTIME") != "distributed":
    collect_ignore_glob = ["test_*.py"]
