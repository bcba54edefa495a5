using System.Collections.Concurrent;
using System.Text.Json;

namespace DKube.Executors.Local;

/// <summary>
/// Gives each DKube user its own unprivileged uid (and a gid of the same number): base + a per-user
/// index handed out in order of first use and kept in <c>&lt;RootPath&gt;/.run-uids.json</c>, so a
/// user keeps its uid across restarts and across silos that share the folder. A hash would need
/// collision handling and could still not promise that two users never share a uid; a persisted
/// counter can.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class LocalRunAccounts(string rootPath, int uidBase)
{
    // Starts with '.', which no run id may, so it never collides with a working folder.
    public const string FileName = ".run-uids.json";

    private readonly string _file = Path.Combine(Path.GetFullPath(rootPath), FileName);
    private readonly ConcurrentDictionary<string, int> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<RunAccount> ForAsync(string user, CancellationToken cancellationToken)
    {
        // A known user's account never changes: only a first use takes the lock (and the file).
        if (_known.TryGetValue(user, out var known))
            return new RunAccount(checked(uidBase + known), checked(uidBase + known));

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (!_known.TryGetValue(user, out var index))
                index = await AssignAsync(user, cancellationToken);
            var id = checked(uidBase + index);
            return new RunAccount(id, id);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Reads (and if needed extends) the file under an exclusive lock: another silo may share it.</summary>
    private async Task<int> AssignAsync(string user, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        for (var attempt = 0; ; attempt++)
        {
            FileStream stream;
            try
            {
                // FileShare.None takes an advisory flock on Unix: silos sharing the folder take turns.
                stream = new FileStream(_file, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException) when (attempt < 200)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
                continue;
            }

            await using (stream)
            {
                var map = stream.Length == 0
                    ? new Dictionary<string, int>(StringComparer.Ordinal)
                    : await JsonSerializer.DeserializeAsync<Dictionary<string, int>>(stream, cancellationToken: cancellationToken)
                      ?? new Dictionary<string, int>(StringComparer.Ordinal);
                if (!map.TryGetValue(user, out var index))
                {
                    index = map.Count == 0 ? 0 : map.Values.Max() + 1;
                    map[user] = index;
                    stream.SetLength(0);
                    await JsonSerializer.SerializeAsync(stream, map, cancellationToken: cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                    stream.Flush(flushToDisk: true);
                }

                foreach (var (name, known) in map)
                    _known[name] = known;
                return index;
            }
        }
    }
}
