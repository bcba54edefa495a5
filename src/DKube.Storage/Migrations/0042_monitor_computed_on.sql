-- Monitors on another cluster (issue 12): where each evaluation was computed,
-- {"cluster": "<DKUBE_SILO_CLUSTER of the silo>", "silo": "<silo address>"}; null for results stored before.
ALTER TABLE dkube_monitor_results ADD COLUMN computed_on jsonb;
