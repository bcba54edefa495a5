-- =============================================================================
-- 0001_orleans.sql
--
-- PostgreSQL schema and query catalogue for the Orleans 10.4.x ADO.NET
-- providers used by DKube (invariant "Npgsql"):
--   * Microsoft.Orleans.Clustering.AdoNet   (membership + gateway list)
--   * Microsoft.Orleans.Persistence.AdoNet  (grain state)
--   * Microsoft.Orleans.Reminders.AdoNet    (reminder table)
--
-- Orleans ships no SQL in its NuGet packages, so this file is DKube's own
-- implementation of the contract the providers expect:
--   * each provider reads "SELECT QueryKey, QueryText FROM OrleansQuery" at
--     start-up and afterwards only ever runs those query texts;
--   * it binds parameters by name (@DeploymentId, @GrainIdHash, ...) and reads
--     result columns by name (case-insensitively through Npgsql).
-- Only the key names, parameter names, result column names and semantics are
-- fixed by Orleans; table layout details and function bodies are ours.
--
-- IMPORTANT for anyone editing a QueryText: reference ONLY parameters that the
-- 10.4.x provider actually binds for that key (listed above each INSERT).
-- Npgsql leaves an unknown "@Name" in the SQL verbatim, where PostgreSQL reads
-- it as the prefix operator "@" applied to a column, and the query fails.
-- That is why there is no @PayloadJson / @PayloadXml (dropped in Orleans 7),
-- no @MetadataJson, and no @SuspectTimes on InsertMembershipKey here.
--
-- Identifiers are unquoted, so PostgreSQL folds them to lower case, exactly
-- like Orleans' reference scripts; queries written in mixed case still match.
--
-- Applied once by the versioned migration runner inside one transaction
-- (psql -1 works too). Functions use CREATE OR REPLACE; tables are plain
-- CREATE TABLE because this is the first migration.
-- =============================================================================


-- -----------------------------------------------------------------------------
-- Query catalogue
-- -----------------------------------------------------------------------------

-- Every provider loads the whole table (persistence filters by key) and keeps
-- the texts in memory; changes require a silo restart to be picked up.
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);


-- =============================================================================
-- CLUSTERING
-- =============================================================================

-- One row per cluster (DeploymentId = ClusterOptions.ClusterId). Version is the
-- membership table's ETag: every successful membership write must bump it, and
-- a write carrying a stale Version must change nothing.
CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

-- One row per silo incarnation (address + port + generation).
-- Status holds Orleans' SiloStatus as an int (3 = Active, 6 = Dead).
-- SuspectTimes is Orleans' own "silo,date|silo,date" text; we store it opaque.
CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,   -- long enough for a textual IPv6 address
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NOT NULL DEFAULT 0,  -- 0 = not a gateway
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,

    CONSTRAINT PK_MembershipTable_DeploymentId
        PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Membership insert: bump the table version and add the silo row atomically.
-- Returns 1 on success, 0 when nothing was written (stale version or the silo
-- row already exists). Orleans treats 0 as "lost the race" and re-reads.
--
-- The version row is updated first on purpose: the UPDATE takes that row's
-- lock, so concurrent membership writers of one cluster queue up behind each
-- other, and the waiter re-checks "Version = expected" after the winner
-- commits (READ COMMITTED re-evaluation), which is the optimistic-concurrency
-- check Orleans relies on. If the silo row then cannot be inserted, the inner
-- block's exception handler rolls the version bump back (the block is a
-- savepoint). We deliberately raise/catch our own SQLSTATE instead of using
-- ASSERT, because plpgsql.check_asserts = off would silently skip an ASSERT.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_silo_name        text,
    p_host_name        text,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    affected integer;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
           SET Version   = Version + 1,
               Timestamp = now()
         WHERE DeploymentId = p_deployment_id
           AND Version      = p_expected_version
           AND Version      < 2147483647;          -- never overflow the int ETag
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RETURN 0;                                -- stale ETag: nothing changed
        END IF;

        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName,
             Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
             p_status, COALESCE(p_proxy_port, 0), p_start_time, p_i_am_alive_time)
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RAISE EXCEPTION 'membership row already exists' USING ERRCODE = 'OR001';
        END IF;
    EXCEPTION
        WHEN SQLSTATE 'OR001' THEN
            RETURN 0;                                -- version bump undone with the savepoint
    END;
    RETURN 1;
END
$fn$;

-- Membership update: same shape as the insert. Status and SuspectTimes are
-- overwritten; IAmAliveTime only moves forward (a heartbeat that landed in
-- between must not be undone by an update carrying an older timestamp).
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    affected integer;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
           SET Version   = Version + 1,
               Timestamp = now()
         WHERE DeploymentId = p_deployment_id
           AND Version      = p_expected_version
           AND Version      < 2147483647;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RETURN 0;
        END IF;

        UPDATE OrleansMembershipTable
           SET Status       = p_status,
               SuspectTimes = p_suspect_times,
               IAmAliveTime = GREATEST(IAmAliveTime, p_i_am_alive_time)
         WHERE DeploymentId = p_deployment_id
           AND Address      = p_address
           AND Port         = p_port
           AND Generation   = p_generation;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RAISE EXCEPTION 'membership row not found' USING ERRCODE = 'OR001';
        END IF;
    EXCEPTION
        WHEN SQLSTATE 'OR001' THEN
            RETURN 0;
    END;
    RETURN 1;
END
$fn$;

-- InsertMembershipVersionKey
--   params: @DeploymentId
--   result: one row, one column; non-zero = "created", 0 = "already there".
--   Must always return exactly one row (Orleans calls .First()).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', $q$
    WITH created AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer AS row_count FROM created;
$q$);

-- InsertMembershipKey
--   params: @DeploymentId @Address @Port @Generation @SiloName @HostName
--           @Status @ProxyPort @StartTime @IAmAliveTime @Version
--   result: one row, one column, 1 = inserted / 0 = rejected.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', $q$
    SELECT orleans_membership_insert(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS row_count;
$q$);

-- UpdateMembershipKey
--   params: @DeploymentId @Address @Port @Generation @Status @SuspectTimes
--           @IAmAliveTime @Version
--   result: one row, one column, 1 = updated / 0 = rejected.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', $q$
    SELECT orleans_membership_update(
        @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
        @IAmAliveTime, @Version) AS row_count;
$q$);

-- UpdateIAmAlivetimeKey   (sic: lower-case "t" is Orleans' spelling)
--   params: @DeploymentId @Address @Port @Generation @IAmAliveTime
--   result: ignored. A heartbeat does not touch the table version, and
--   GREATEST keeps out-of-order heartbeats from moving the time backwards.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
       SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
     WHERE DeploymentId = @DeploymentId
       AND Address      = @Address
       AND Port         = @Port
       AND Generation   = @Generation;
$q$);

-- MembershipReadRowKey
--   params: @DeploymentId @Address @Port @Generation
--   result columns: DeploymentId Address Port Generation SiloName HostName
--                   Status ProxyPort SuspectTimes StartTime IAmAliveTime Version
--   The LEFT JOIN keeps the version row even when the silo row is missing:
--   Orleans always needs the table Version, and reads "StartTime IS NULL" as
--   "no entry".
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', $q$
    SELECT v.DeploymentId,
           m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
           m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime,
           v.Version
      FROM OrleansMembershipVersionTable v
      LEFT JOIN OrleansMembershipTable m
             ON m.DeploymentId = v.DeploymentId
            AND m.Address      = @Address
            AND m.Port         = @Port
            AND m.Generation   = @Generation
     WHERE v.DeploymentId = @DeploymentId;
$q$);

-- MembershipReadAllKey
--   params: @DeploymentId
--   result columns: as MembershipReadRowKey (one row per silo, or a single
--   all-NULL-silo row carrying only the Version when the cluster is empty).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', $q$
    SELECT v.DeploymentId,
           m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
           m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime,
           v.Version
      FROM OrleansMembershipVersionTable v
      LEFT JOIN OrleansMembershipTable m
             ON m.DeploymentId = v.DeploymentId
     WHERE v.DeploymentId = @DeploymentId;
$q$);

-- DeleteMembershipTableEntriesKey
--   params: @DeploymentId
--   result: ignored. Silo rows first because of the foreign key.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable        WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$);

-- GatewaysQueryKey   (used by clients to find gateways)
--   params: @DeploymentId @Status (Orleans passes 3 = Active)
--   result columns: Address ProxyPort Generation
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
      FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId
       AND Status       = @Status
       AND ProxyPort    > 0;
$q$);

-- CleanupDefunctSiloEntriesKey   (required key; bulk clean-up)
--   params: @DeploymentId @IAmAliveTime (the cut-off)
--   result: ignored. Only Dead (6) rows that started and last heart-beat
--   before the cut-off and carry no suspicion votes are removed; never a live
--   or joining silo. Orleans 10.4 only runs this when the optional
--   CleanupDefunctSiloEntryKey below is absent.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId
       AND Status       = 6
       AND IAmAliveTime < @IAmAliveTime
       AND StartTime    < @IAmAliveTime
       AND COALESCE(SuspectTimes, '') = '';
$q$);

-- CleanupDefunctSiloEntryKey   (optional key, preferred by Orleans 10.4 when present)
--   params: @DeploymentId @Address @Port @Generation @StartTime @IAmAliveTime
--           @SuspectTimes
--   result: ignored. Orleans reads all rows, picks the Dead ones old enough,
--   and deletes each one only if it is still exactly the row it looked at
--   (no heartbeat, restart or new suspicion since). NULL and '' SuspectTimes
--   are the same to Orleans (it turns an empty string back into NULL), hence
--   the COALESCE on both sides.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId
       AND Address      = @Address
       AND Port         = @Port
       AND Generation   = @Generation
       AND Status       = 6
       AND StartTime    = @StartTime
       AND IAmAliveTime = @IAmAliveTime
       AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$q$);


-- =============================================================================
-- GRAIN PERSISTENCE
-- =============================================================================

-- One row per (ServiceId, grain type, grain id). The hashes are computed by
-- Orleans on the client (default hasher: Orleans' StableHash over the grain key
-- bytes / over the UTF-8 grain type name, cast to int) and only serve as a
-- narrow index; the natural key columns are always compared too, so a hash
-- collision cannot mix two grains up.
--   GrainIdN0/N1: Guid key split in two longs, or 0/long key; 0/0 for string keys.
--   GrainIdExtensionString: key extension, or the whole key for string keys.
--   Version: the grain state's ETag, 1 on first write, +1 per write/clear.
--   PayloadBinary NULL with a Version = cleared state (record does not exist
--   for Orleans, but the ETag is kept so the next write is still checked).
CREATE TABLE OrleansStorage
(
    GrainIdHash            integer       NOT NULL,
    GrainIdN0              bigint        NOT NULL,
    GrainIdN1              bigint        NOT NULL,
    GrainTypeHash          integer       NOT NULL,
    GrainTypeString        varchar(512)  NOT NULL,
    GrainIdExtensionString varchar(512)  NULL,
    ServiceId              varchar(150)  NOT NULL,
    PayloadBinary          bytea         NULL,
    ModifiedOn             timestamptz   NOT NULL DEFAULT now(),
    Version                integer       NULL
);

CREATE INDEX IX_OrleansStorage_GrainIdHash_GrainTypeHash
    ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- Write grain state with optimistic concurrency. Returns exactly one row with
-- column NewGrainStateVersion:
--   * the new version when the write happened;
--   * NULL when it did not (stale ETag, or a first write racing an existing
--     row). Orleans turns NULL into "" and raises InconsistentStateException.
-- _expected_version NULL means "Orleans never saw a row" -> insert with
-- Version 1; otherwise update only if the stored Version still matches.
CREATE OR REPLACE FUNCTION orleans_storage_write(
    _grain_id_hash    integer,
    _grain_id_n0      bigint,
    _grain_id_n1      bigint,
    _grain_type_hash  integer,
    _grain_type       text,
    _grain_id_ext     text,
    _service_id       text,
    _expected_version integer,
    _payload          bytea)
RETURNS TABLE (NewGrainStateVersion integer)
LANGUAGE plpgsql
AS $fn$
DECLARE
    written integer;
BEGIN
    IF _expected_version IS NOT NULL THEN
        -- Row lock + re-check under READ COMMITTED: of two writers holding the
        -- same ETag exactly one matches.
        UPDATE OrleansStorage
           SET PayloadBinary = _payload,
               ModifiedOn    = now(),
               Version       = Version + 1
         WHERE GrainIdHash   = _grain_id_hash
           AND GrainTypeHash = _grain_type_hash
           AND GrainIdN0     = _grain_id_n0
           AND GrainIdN1     = _grain_id_n1
           AND GrainTypeString = _grain_type
           AND GrainIdExtensionString IS NOT DISTINCT FROM _grain_id_ext
           AND ServiceId     = _service_id
           AND Version       = _expected_version
        RETURNING Version INTO written;
    ELSE
        -- There is no unique key over the natural key (the strings are too
        -- wide for a portable unique index), so two first writes of the same
        -- grain are serialised with a transaction-scoped advisory lock keyed on
        -- the two hashes. After the lock, the NOT EXISTS check runs with a
        -- fresh snapshot and sees a row committed by the other writer.
        PERFORM pg_advisory_xact_lock(_grain_id_hash, _grain_type_hash);

        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT _grain_id_hash, _grain_id_n0, _grain_id_n1, _grain_type_hash, _grain_type,
               _grain_id_ext, _service_id, _payload, now(), 1
         WHERE NOT EXISTS (
               SELECT 1
                 FROM OrleansStorage s
                WHERE s.GrainIdHash   = _grain_id_hash
                  AND s.GrainTypeHash = _grain_type_hash
                  AND s.GrainIdN0     = _grain_id_n0
                  AND s.GrainIdN1     = _grain_id_n1
                  AND s.GrainTypeString = _grain_type
                  AND s.GrainIdExtensionString IS NOT DISTINCT FROM _grain_id_ext
                  AND s.ServiceId     = _service_id)
        RETURNING Version INTO written;
    END IF;

    NewGrainStateVersion := written;   -- NULL when nothing was written
    RETURN NEXT;
END
$fn$;

-- WriteToStorageKey
--   params: @GrainIdHash @GrainIdN0 @GrainIdN1 @GrainTypeHash @GrainTypeString
--           @GrainIdExtensionString @ServiceId @GrainStateVersion @PayloadBinary
--   result column: NewGrainStateVersion (becomes the new ETag)
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $q$
    SELECT NewGrainStateVersion
      FROM orleans_storage_write(
           @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
           @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
$q$);

-- ReadFromStorageKey
--   params: @GrainIdHash @GrainIdN0 @GrainIdN1 @GrainTypeHash @GrainTypeString
--           @GrainIdExtensionString @ServiceId
--   result columns: PayloadBinary, Version; zero or one row (Orleans uses
--   SingleOrDefault). No row = never written (ETag NULL).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
      FROM OrleansStorage
     WHERE GrainIdHash   = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND GrainIdN0     = @GrainIdN0
       AND GrainIdN1     = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND ServiceId     = @ServiceId;
$q$);

-- ClearStorageKey   (used when AdoNetGrainStorageOptions.DeleteStateOnClear = false, the default)
--   params: @GrainIdHash @GrainIdN0 @GrainIdN1 @GrainTypeHash @GrainTypeString
--           @GrainIdExtensionString @ServiceId @GrainStateVersion
--   result: first column = new version (new ETag). Zero rows on a stale ETag,
--   which Orleans reports as InconsistentStateException.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $q$
    UPDATE OrleansStorage
       SET PayloadBinary = NULL,
           ModifiedOn    = now(),
           Version       = Version + 1
     WHERE GrainIdHash   = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND GrainIdN0     = @GrainIdN0
       AND GrainIdN1     = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND ServiceId     = @ServiceId
       AND Version       = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
$q$);

-- DeleteStorageKey   (optional; required only with DeleteStateOnClear = true)
--   params: as ClearStorageKey
--   result: first column must be non-NULL and differ from the ETag sent, so we
--   return Version + 1; Orleans then resets the ETag to NULL (next write inserts).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
     WHERE GrainIdHash   = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND GrainIdN0     = @GrainIdN0
       AND GrainIdN1     = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND ServiceId     = @ServiceId
       AND Version       = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$);


-- =============================================================================
-- REMINDERS
-- =============================================================================

-- GrainId is GrainId.ToString() ("type/key"); GrainHash is the grain's uniform
-- hash code (a uint) reinterpreted as a signed int by Orleans, and the range
-- queries below compare it as signed int, matching how Orleans picks between
-- them. Period is in milliseconds. Version is the reminder's ETag.
CREATE TABLE OrleansRemindersTable
(
    ServiceId    varchar(150)   NOT NULL,
    GrainId      varchar(150)   NOT NULL,
    ReminderName varchar(150)   NOT NULL,
    StartTime    timestamptz(3) NOT NULL,
    Period       bigint         NOT NULL,
    GrainHash    integer        NOT NULL,
    Version      integer        NOT NULL,

    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName
        PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Each silo periodically reads the reminders of its hash-ring range.
CREATE INDEX IX_RemindersTable_ServiceId_GrainHash
    ON OrleansRemindersTable (ServiceId, GrainHash);

-- UpsertReminderRowKey
--   params: @ServiceId @GrainId @ReminderName @StartTime @Period @GrainHash
--           (@Period arrives as int or bigint depending on its size)
--   result column: Version (new ETag; 0 on first insert, +1 per upsert)
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', $q$
    INSERT INTO OrleansRemindersTable AS r
        (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
       SET StartTime = EXCLUDED.StartTime,
           Period    = EXCLUDED.Period,
           GrainHash = EXCLUDED.GrainHash,
           Version   = r.Version + 1
    RETURNING r.Version AS Version;
$q$);

-- ReadReminderRowsKey
--   params: @ServiceId @GrainId
--   result columns: GrainId ReminderName StartTime Period Version
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId
       AND GrainId   = @GrainId;
$q$);

-- ReadReminderRowKey
--   params: @ServiceId @GrainId @ReminderName
--   result columns: GrainId ReminderName StartTime Period Version
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId    = @ServiceId
       AND GrainId      = @GrainId
       AND ReminderName = @ReminderName;
$q$);

-- ReadRangeRows1Key   (Orleans uses it when (int)BeginHash < (int)EndHash)
--   params: @ServiceId @BeginHash @EndHash ; range (Begin, End]
--   result columns: GrainId ReminderName StartTime Period Version
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId
       AND GrainHash > @BeginHash
       AND GrainHash <= @EndHash;
$q$);

-- ReadRangeRows2Key   (the range wraps around the ring)
--   params: @ServiceId @BeginHash @EndHash ; (Begin, max] + [min, End]
--   result columns: GrainId ReminderName StartTime Period Version
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId
       AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$q$);

-- DeleteReminderRowKey
--   params: @ServiceId @GrainId @ReminderName @Version
--   result: exactly one row, one column; non-zero = deleted, 0 = stale ETag or gone.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', $q$
    WITH removed AS (
        DELETE FROM OrleansRemindersTable
         WHERE ServiceId    = @ServiceId
           AND GrainId      = @GrainId
           AND ReminderName = @ReminderName
           AND Version      = @Version
        RETURNING 1
    )
    SELECT count(*)::integer AS row_count FROM removed;
$q$);

-- DeleteReminderRowsKey
--   params: @ServiceId
--   result: ignored.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId;
$q$);
