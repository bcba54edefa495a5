using DKube.Storage.Postgres;

namespace DKube.Testing;

/// <summary>
/// One real PostgreSQL for the whole test run, started by the tests themselves (nothing has to
/// be running beforehand); every fixture gets a database of its own on it.
/// </summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<EmbeddedPostgres>> Instance = new(StartAsync);
    private static int _databases;

    /// <summary>A connection string to a new, empty database.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var pg = await Instance.Value;
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await pg.CreateDatabaseAsync(name);
        return pg.ConnectionStringFor(name);
    }

    public static async Task<EmbeddedPostgres> ServerAsync() => await Instance.Value;

    /// <summary>The folder of the shared instance (its cluster files and password).</summary>
    public static string Root { get; } = Path.Combine(Path.GetTempPath(), $"dkube-tests-pg-{Environment.ProcessId}");

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        var root = Root;
        var pg = await EmbeddedPostgres.StartAsync(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            pg.DisposeAsync().AsTask().GetAwaiter().GetResult();
            TryDelete(root);
        };
        return pg;
    }

    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
