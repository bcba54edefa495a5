-- DKube's own read model. Grains are the single writers of their entities (their state lives in
-- OrleansStorage); these tables are the projection they keep current so that listings, filters,
-- pagination and token look-ups never fan out over grains.

CREATE TABLE dkube_users (
    name        text        PRIMARY KEY,
    roles       text[]      NOT NULL,
    -- SHA-256 of the bearer token; the token itself is never stored.
    token_hash  bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dkube_groups (
    name        text        PRIMARY KEY,
    gpus        integer     NOT NULL CHECK (gpus >= 0),
    clusters    text[]      NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dkube_memberships (
    group_name  text NOT NULL,
    user_name   text NOT NULL,
    PRIMARY KEY (group_name, user_name)
);
CREATE INDEX dkube_memberships_by_user ON dkube_memberships (user_name);

-- One row per listable resource of any kind (project, run, ide, template, repo, ...). The body
-- is the resource as the API shows it in lists; visibility columns are kept apart so the
-- listing query can use indexes.
CREATE TABLE dkube_resources (
    kind        text        NOT NULL,
    id          text        NOT NULL,
    name        text        NOT NULL,
    owner       text        NOT NULL,
    group_name  text        NOT NULL,
    project     text,
    status      text,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    body        jsonb       NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX dkube_resources_by_group ON dkube_resources (kind, group_name, created_at, id);
CREATE INDEX dkube_resources_by_owner ON dkube_resources (kind, owner, created_at, id);
CREATE INDEX dkube_resources_by_project ON dkube_resources (kind, project, created_at, id);

-- Names that must be unique within a scope (a project name within its group, a repo name for
-- its owner). A grain claims its name here before it persists itself.
CREATE TABLE dkube_names (
    kind        text NOT NULL,
    scope       text NOT NULL,
    name        text NOT NULL,
    id          text NOT NULL,
    PRIMARY KEY (kind, scope, name)
);
