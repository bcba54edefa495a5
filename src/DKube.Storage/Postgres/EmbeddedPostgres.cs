using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace DKube.Storage.Postgres;

/// <summary>
/// A PostgreSQL instance owned by this process in its data folder: created with initdb on first
/// start, started on a free loopback port, reused on the next start, stopped on dispose.
/// PostgreSQL refuses to run as root, so as root the cluster is owned by and run as the
/// unprivileged <c>postgres</c> system user. Every connection, over TCP or the socket, needs the
/// superuser's password (scram-sha-256): it is made on first start (or on the first start of a
/// folder made before passwords, which is upgraded), kept in <c>password</c> (0600) beside the
/// cluster, and known only to this process; a local run that finds the port cannot log in.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "dkube";
    private const string PasswordFileName = "password";

    private const string HostBasedAuthentication = """
        # Written by DKube at each start: every connection needs the superuser's password.
        local all all scram-sha-256
        host all all 127.0.0.1/32 scram-sha-256
        host all all ::1/128 scram-sha-256

        """;

    private string _password = "";
    private readonly string _dataDir;
    private readonly string _socketDir;
    private readonly PostgresBinaries _binaries;
    private readonly string? _runAsUser;

    private EmbeddedPostgres(string root, PostgresBinaries binaries, int port)
    {
        _dataDir = Path.Combine(root, "data");
        _socketDir = root;
        _binaries = binaries;
        Port = port;
        _runAsUser = Environment.UserName == "root" ? "postgres" : null;
    }

    public int Port { get; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = _password,
        Database = "postgres",
        Pooling = true,
        MaxPoolSize = 100,
    }.ConnectionString;

    /// <summary>Starts (initialising when needed) the instance that lives in <paramref name="root"/>.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(string root, CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Find() ?? throw new InvalidOperationException(PostgresBinaries.InstallHint);
        root = Path.GetFullPath(root);
        Directory.CreateDirectory(root);
        var pg = new EmbeddedPostgres(root, binaries, FreeLoopbackPort());
        await pg.InitialiseAsync(cancellationToken);
        await pg.RequirePasswordAsync(cancellationToken);
        await pg.ResumeAsync(cancellationToken);
        await pg.CreateDatabaseAsync("dkube", cancellationToken);
        return pg;
    }

    /// <summary>
    /// Stops the server (fast shutdown: open sessions are cut, as in an outage) and keeps its
    /// data; <see cref="ResumeAsync"/> brings it back on the same port, so connection strings stay valid.
    /// </summary>
    public async Task SuspendAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection.ClearAllPools();
        await RunPgCtlAsync(cancellationToken, "stop", "-m", "fast", "-w", "-t", "30");
    }

    /// <summary>Starts the server on its port again (also the first start).</summary>
    public Task ResumeAsync(CancellationToken cancellationToken = default) =>
        RunPgCtlAsync(cancellationToken, "start", "-w", "-t", "60", "-l", Path.Combine(_socketDir, "postgres.log"),
            "-o", $"-p {Port} -k {_socketDir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on");

    /// <summary>The connection string of a database on this instance.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates a database when it does not exist yet.</summary>
    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is quoted after rejecting quotes.
            if (database.Contains('"', StringComparison.Ordinal))
            {
                throw new ArgumentException("Database names may not contain quotes.", nameof(database));
            }

            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPgCtlAsync(CancellationToken.None, "stop", "-m", "fast", "-w", "-t", "30");
        }
        catch (InvalidOperationException)
        {
            // Already stopped: nothing to release.
        }
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_dataDir, "PG_VERSION")))
        {
            // A server killed without a clean stop leaves its pid file behind; pg_ctl start copes
            // with a stale one, so nothing to do here.
            return;
        }

        Directory.CreateDirectory(_dataDir);
        if (_runAsUser is not null)
        {
            GrantTraversal(_socketDir);
            await RunAsync("chown", cancellationToken, "-R", $"{_runAsUser}:", _socketDir);
        }

        // "trust" only until RequirePasswordAsync rewrites pg_hba.conf, which it does before the first start.
        await RunAsync(_binaries.InitDb, cancellationToken, "-D", _dataDir, "-A", "trust", "-U", SuperUser, "-E", "UTF8", "--no-sync");
    }

    /// <summary>
    /// While the server is down: a folder without a password file (new, or made when loopback was
    /// trusted) gets a new password, set through single-user mode as a SCRAM verifier; pg_hba.conf
    /// is rewritten every start, so no older trust rule survives.
    /// </summary>
    private async Task RequirePasswordAsync(CancellationToken cancellationToken)
    {
        var file = Path.Combine(_socketDir, PasswordFileName);
        if (!File.Exists(file))
        {
            var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            var statement = $"ALTER ROLE \"{SuperUser}\" PASSWORD '{ScramVerifier.For(password)}';\n";
            var output = await RunWithInputAsync(_binaries.Server, statement, cancellationToken, "--single", "-D", _dataDir, "-F", "postgres");
            if (output.Contains("ERROR", StringComparison.Ordinal))
                throw new InvalidOperationException("Setting the embedded database's password failed: " + output.ReplaceLineEndings(" "));
            // Written only once the database holds it: a crash in between leaves no password file, and the next start sets a new one.
            Secrets.PrivateFile.Create(file, password);
        }

        _password = (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
        await File.WriteAllTextAsync(Path.Combine(_dataDir, "pg_hba.conf"), HostBasedAuthentication, cancellationToken);
    }

    private Task RunPgCtlAsync(CancellationToken cancellationToken, params string[] args) =>
        RunAsync(_binaries.PgCtl, cancellationToken, ["-D", _dataDir, .. args]);

    private Task<string> RunAsync(string program, CancellationToken cancellationToken, params string[] args) =>
        RunWithInputAsync(program, null, cancellationToken, args);

    /// <param name="input">What the program reads on stdin (a statement for single-user mode), never on its command line.</param>
    private async Task<string> RunWithInputAsync(string program, string? input, CancellationToken cancellationToken, params string[] args)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        if (_runAsUser is not null && program != "chown")
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(_runAsUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
        }
        else
        {
            info.FileName = program;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stderr + await stdout;
    }

    /// <summary>
    /// The unprivileged server user must be able to walk down to its folder; a root-owned
    /// ancestor without search permission for others (e.g. a 0700 temp folder or /root) gets
    /// only that bit added, never read or write.
    /// </summary>
    private static void GrantTraversal(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var dir = Path.GetDirectoryName(folder); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
