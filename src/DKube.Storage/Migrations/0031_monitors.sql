-- Monitors (issue 12). A monitor's definition, schedules and alert states are grain state; these
-- tables hold what grows with time: each evaluation's scores (a time series per monitor), the
-- history of alert firings and resolutions, and the ground truth uploaded for predictions.
CREATE TABLE dkube_monitor_results (
    monitor     text        NOT NULL,
    at          timestamptz NOT NULL,
    kind        text        NOT NULL,
    from_at     timestamptz NOT NULL,
    rows_seen   bigint      NOT NULL,
    -- {"<feature or metric>": {"value", "algorithm", "state"}}
    scores      jsonb       NOT NULL,
    seq         bigserial,
    PRIMARY KEY (monitor, at, kind, seq)
);

CREATE TABLE dkube_monitor_alerts (
    monitor     text        NOT NULL,
    seq         bigserial,
    deployment  text        NOT NULL,
    alert       text        NOT NULL,
    component   text        NOT NULL,
    state       text        NOT NULL,
    since       timestamptz NOT NULL,
    value       double precision NOT NULL,
    subject     text,
    PRIMARY KEY (monitor, seq)
);

-- One label per prediction (request id, or request id#n for an instance of a batch): a second
-- upload of the same id replaces the label and counts as received again.
CREATE TABLE dkube_monitor_ground_truth (
    monitor     text        NOT NULL,
    request_id  text        NOT NULL,
    label       text        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (monitor, request_id)
);
CREATE INDEX dkube_monitor_ground_truth_received ON dkube_monitor_ground_truth (monitor, received_at);
