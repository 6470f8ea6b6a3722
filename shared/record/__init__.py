"""The tamper-evident record: each writing service's events chained by hash, and its verification."""
