using System.Globalization;
using System.Text.Json.Nodes;

namespace DKube.Kubernetes.Tests.Fake;

/// <summary>
/// The fake API server's storage: objects by resource and name (one namespace), a global
/// resourceVersion that every write bumps, and the history of changes that watches replay from a
/// resourceVersion, until it is compacted (then older versions are answered with 410 Gone).
/// </summary>
internal sealed class FakeClusterState
{
    private readonly Lock sync = new();
    private readonly Dictionary<(string Resource, string Name), JsonObject> objects = [];
    private readonly List<FakeEvent> history = [];
    private long version = 1000;
    private long compactedThrough;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Version
    {
        get
        {
            lock (sync)
            {
                return version;
            }
        }
    }

    public JsonObject? Get(string resource, string name)
    {
        lock (sync)
        {
            return objects.TryGetValue((resource, name), out var obj) ? (JsonObject)obj.DeepClone() : null;
        }
    }

    public (List<JsonObject> Items, long Version) List(string resource, string? selector)
    {
        lock (sync)
        {
            var items = objects.Where(o => o.Key.Resource == resource && LabelSelector.Matches(selector, o.Value))
                .OrderBy(o => o.Key.Name, StringComparer.Ordinal)
                .Select(o => (JsonObject)o.Value.DeepClone())
                .ToList();
            return (items, version);
        }
    }

    /// <summary>Stores a new object with the server's metadata; null if the name is taken.</summary>
    public JsonObject? Create(string resource, string @namespace, JsonObject obj)
    {
        lock (sync)
        {
            var metadata = obj["metadata"] as JsonObject ?? throw new InvalidOperationException("metadata missing");
            var name = metadata["name"]!.GetValue<string>();
            if (objects.ContainsKey((resource, name)))
            {
                return null;
            }

            metadata["namespace"] = @namespace;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            metadata["generation"] = 1;
            obj["status"] ??= new JsonObject();
            return Write(resource, name, obj, "ADDED");
        }
    }

    public JsonObject? Update(string resource, string name, Action<JsonObject> change)
    {
        lock (sync)
        {
            if (!objects.TryGetValue((resource, name), out var current))
            {
                return null;
            }

            var next = (JsonObject)current.DeepClone();
            change(next);
            return Write(resource, name, next, "MODIFIED");
        }
    }

    public JsonObject? Remove(string resource, string name)
    {
        lock (sync)
        {
            if (!objects.Remove((resource, name), out var current))
            {
                return null;
            }

            // A DELETED event carries the object at a new resourceVersion.
            version++;
            current["metadata"]!["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            Record(new FakeEvent(version, resource, "DELETED", (JsonObject)current.DeepClone()));
            return current;
        }
    }

    /// <summary>The changes after <paramref name="since"/>, a task that completes on the next change, and whether <paramref name="since"/> was compacted away.</summary>
    public (List<FakeEvent> Events, Task Changed, bool Expired) Since(string resource, long since, string? selector)
    {
        lock (sync)
        {
            if (since < compactedThrough)
            {
                return ([], Task.CompletedTask, true);
            }

            var events = history.Where(e => e.Version > since && e.Resource == resource && LabelSelector.Matches(selector, e.Object)).ToList();
            return (events, changed.Task, false);
        }
    }

    /// <summary>Forgets the history, as etcd compaction does: watches from older versions now get 410 Gone.</summary>
    public void Compact()
    {
        lock (sync)
        {
            compactedThrough = version;
            history.Clear();
        }
    }

    public IEnumerable<JsonObject> Where(string resource, Func<JsonObject, bool> predicate)
    {
        lock (sync)
        {
            return objects.Where(o => o.Key.Resource == resource && predicate(o.Value)).Select(o => (JsonObject)o.Value.DeepClone()).ToList();
        }
    }

    private JsonObject Write(string resource, string name, JsonObject obj, string type)
    {
        version++;
        obj["metadata"]!["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
        objects[(resource, name)] = obj;
        Record(new FakeEvent(version, resource, type, (JsonObject)obj.DeepClone()));
        return (JsonObject)obj.DeepClone();
    }

    private void Record(FakeEvent e)
    {
        history.Add(e);
        var wake = changed;
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wake.TrySetResult();
    }
}
