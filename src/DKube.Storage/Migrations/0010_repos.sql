-- Repositories (issue 5). Repositories, versions and images are grain state (OrleansStorage)
-- projected into dkube_resources; their names are claimed in dkube_names. This table is the
-- one thing that is not an entity: the last credentials each owner used per host and kind, so
-- a new repository on the same host can reuse them. The secret is sealed with AES-GCM under a
-- key that lives outside the database (DKUBE_SECRETS_KEY or DKUBE_DATA_DIR/secrets.key), so a
-- dump of this table reveals nothing but kinds and user names.
CREATE TABLE dkube_credential_memory (
    owner       text        NOT NULL,
    host        text        NOT NULL,
    kind        text        NOT NULL,
    username    text,
    sealed      bytea       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, host, kind)
);
