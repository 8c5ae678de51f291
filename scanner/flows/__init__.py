"""VPC Flow Logs as evidence: reading them (DuckDB, locally), the playbook's named queries,
the same queries on Athena at scale, and the traffic joined to findings in a scan."""
