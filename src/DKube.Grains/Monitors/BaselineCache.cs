using System.Text.Json;
using DKube.Abstractions.Monitors;
using DKube.Monitoring;

namespace DKube.Grains.Monitors;

/// <summary>
/// The baselines this silo has read, by CSV content and schema edits: a monitor reactivating
/// (after idling or a move) or another monitor of the same baseline takes its columns from here
/// instead of reading the CSV again. Bounded by an estimate of the bytes held
/// (<see cref="MonitorOptions.BaselineCacheBytes"/>); the least recently used goes first.
/// </summary>
public sealed class BaselineCache(MonitorOptions options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recent = new();
    private long _bytes;

    /// <summary>Bytes the cached baselines are estimated to hold.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public static string KeyOf(string csvHash, MonitorBaseline baseline, IReadOnlyList<MonitorFeature> features) =>
        $"{csvHash}\n{baseline.LabelColumn}\n{baseline.PredictionColumn}\n{JsonSerializer.Serialize(features)}";

    public (FeatureSchema Schema, ColumnTable Table)? TryGet(string key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Baseline;
        }
    }

    public void Add(string key, (FeatureSchema Schema, ColumnTable Table) baseline)
    {
        var size = SizeOf(baseline.Schema, baseline.Table);
        lock (_lock)
        {
            if (_entries.ContainsKey(key) || size > options.BaselineCacheBytes)
            {
                return;
            }

            _entries[key] = _recent.AddFirst(new Entry(key, baseline, size));
            _bytes += size;
            while (_bytes > options.BaselineCacheBytes && _recent.Last is { } oldest)
            {
                _recent.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Size;
            }
        }
    }

    /// <summary>8 bytes a number or a label reference (labels repeated share one string), and the distinct labels' text.</summary>
    private static long SizeOf(FeatureSchema schema, ColumnTable table) =>
        schema.Compared.Sum(c => table[c.Name] is var values
            ? 8L * (values.SortedNumbers.Length + values.Labels.Length) + values.Labels.Distinct(StringComparer.Ordinal).Sum(l => 24L + 2L * l.Length)
            : 0);

    private sealed record Entry(string Key, (FeatureSchema Schema, ColumnTable Table) Baseline, long Size);
}
