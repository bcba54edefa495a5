-- The distinct file contents each data repository's versions hold (one row per repository and
-- content hash), written in the transaction that stores the version. GET /storage adds them up per
-- owner in one query, each content once, instead of asking every repository and reading manifests.
CREATE TABLE dkube_repo_contents (
    repo_id text   NOT NULL,
    hash    text   NOT NULL,
    size    bigint NOT NULL,
    PRIMARY KEY (repo_id, hash)
);
