"""数读 statistics and the monthly ledger (台账): one aggregation per measure, in the database."""
