-- Lists in creation order across owners and groups (GET /runs?scope=all for an operator, and a
-- member's scope=all/shared that sees a sizeable share of the rows) had no index that yields
-- (created_at, id) order for a kind: on 100k runs they were a parallel seq scan + top-N sort
-- (363 ms for a page of 50) or a bitmap scan + sort of every visible row (11-57 ms). With this
-- index they walk it in order and stop after one page (0.06-6.7 ms); a keyset cursor is an index
-- condition. Plans are in the issue-10 note (EXPLAIN ANALYZE on 100k runs).
CREATE INDEX dkube_resources_by_created ON dkube_resources (kind, created_at, id);
