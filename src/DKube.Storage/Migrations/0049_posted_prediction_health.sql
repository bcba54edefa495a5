-- Health of imported deployments (issue 12). A prediction posted to an imported deployment may
-- carry its HTTP status and latency, or not: a record without them stores NULL (unknown) rather
-- than 200 and 0 ms, so a monitor's error rates count only records that carry a status and its
-- latency percentiles only records that carry a latency (percentile_cont skips NULLs). The
-- gateway's records always carry both. Dropping NOT NULL is a catalog change: no rewrite.
ALTER TABLE dkube_predictions ALTER COLUMN status DROP NOT NULL;
ALTER TABLE dkube_predictions ALTER COLUMN latency_ms DROP NOT NULL;

-- Where an evaluation's live data came from ('gateway': the requests the gateway served; 'posted':
-- the predictions posted to an imported deployment), and what the evaluation could not compute
-- and why (nothing posted in the window, records without status or latency); null before.
ALTER TABLE dkube_monitor_results ADD COLUMN source text;
ALTER TABLE dkube_monitor_results ADD COLUMN note text;
