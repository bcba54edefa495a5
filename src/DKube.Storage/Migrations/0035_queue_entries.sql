-- The waiting requests of group GPU pools (issue 10), one row each, written by the batched grain
-- storage in the same transaction as the pool grain's state (which keeps only its size, policy,
-- counters and running set). A submit or release then writes the entries it changed instead of a
-- snapshot of the whole queue (25 MiB at 100k waiting), and a crash never leaves the queue and
-- the state that refers to it out of step.
CREATE TABLE dkube_queue_entries (
    service_id  text   NOT NULL,
    pool        text   NOT NULL,
    request_id  text   NOT NULL,
    -- The pool's own counter at enqueue: the queue is in this order (every enqueue joins the tail).
    seq         bigint NOT NULL,
    -- The pool grain's JSON of the waiting request (the request, when it joined, its kind).
    payload     bytea  NOT NULL,
    PRIMARY KEY (service_id, pool, request_id)
);

-- An activating pool reads its queue in order.
CREATE INDEX dkube_queue_entries_by_seq ON dkube_queue_entries (service_id, pool, seq);
