-- The prediction log (issue 11): every request the inference gateway forwarded, and the
-- predictions posted to imported deployments. Written in batches off the request path, read by
-- time window per deployment (monitors, a deployment's metrics), deleted by age (retention).
CREATE TABLE dkube_predictions (
    deployment  text             NOT NULL,
    at          timestamptz      NOT NULL,
    request_id  text             NOT NULL,
    status      integer          NOT NULL,
    latency_ms  double precision NOT NULL,
    -- The JSON bodies as sent and answered; NULL when the deployment does not log predictions or
    -- a body was over the bound. Text rather than jsonb: what a client sent is kept as it was,
    -- and nothing queries inside it in SQL.
    inputs      text,
    outputs     text,
    -- The request id is the key ground truth joins on, so it names one record per deployment;
    -- a posted batch sent again (a client's retry) stores nothing twice.
    PRIMARY KEY (deployment, request_id)
);

-- Window reads and per-bucket statistics: one deployment's records in time order.
CREATE INDEX dkube_predictions_window ON dkube_predictions (deployment, at);

-- Retention deletes by age across deployments; rows arrive roughly in time order, so a BRIN
-- index finds the old ones at a fraction of a b-tree's size and write cost.
CREATE INDEX dkube_predictions_age ON dkube_predictions USING brin (at);
