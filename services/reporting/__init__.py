"""reporting: the read side (case views, audit history, workloads, 好差评 figures, scorecard, monthly reports)."""
