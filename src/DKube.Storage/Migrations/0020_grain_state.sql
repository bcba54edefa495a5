-- Grain state written by DKube's batched grain storage (issue 10): the writes of many grains
-- share one transaction (one multi-row statement per flush), and a grain's read-model rows and
-- name claims commit in that same transaction. OrleansStorage stays for what was stored before
-- this table existed; it is read when a grain has no row here yet.
CREATE TABLE dkube_grain_state (
    service_id  text        NOT NULL,
    grain_id    text        NOT NULL,
    state_name  text        NOT NULL,
    -- Optimistic concurrency: a write names the version it read and stores version + 1, so two
    -- activations of one grain can never both write.
    version     bigint      NOT NULL,
    -- Orleans' own binary serialization of the state; NULL once cleared (a tombstone keeps the
    -- version counting and hides any older row of OrleansStorage).
    payload     bytea,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, state_name)
);

-- The reconciler and start-up recovery ask for resources of a kind in given statuses, oldest first.
CREATE INDEX dkube_resources_by_status ON dkube_resources (kind, status, created_at);
