namespace DKube.Storage.Postgres;

/// <summary>Finds the PostgreSQL server binaries (initdb, pg_ctl) on PATH or under Debian's versioned folders.</summary>
public sealed record PostgresBinaries(string InitDb, string PgCtl)
{
    /// <summary>The server binary beside them (single-user mode sets the superuser's password while the server is down).</summary>
    public string Server => Path.Combine(Path.GetDirectoryName(InitDb)!, "postgres");

    public const string InstallHint =
        "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
        "Install them (Debian: apt-get install -y postgresql) or set DKUBE_POSTGRES to the connection string of a running server.";

    public static PostgresBinaries? Find()
    {
        var candidates = new List<string>();
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            // Newest major version first.
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        foreach (var dir in candidates)
        {
            var initDb = Path.Combine(dir, "initdb");
            var pgCtl = Path.Combine(dir, "pg_ctl");
            if (File.Exists(initDb) && File.Exists(pgCtl))
            {
                return new PostgresBinaries(initDb, pgCtl);
            }
        }

        return null;
    }
}
