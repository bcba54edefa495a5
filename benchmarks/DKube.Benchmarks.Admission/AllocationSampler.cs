using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// Who allocates, by type: the runtime's allocation ticks (one event about every 100 KB allocated,
/// naming the type of the object that crossed the mark), heard in process through an
/// <see cref="EventListener"/> on the runtime's EventPipe provider. A type's share of the ticks is
/// its share of the bytes, as a sample; no tool or trace file needed.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _listening;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    /// <summary>Counts from now on, from zero.</summary>
    public void Start()
    {
        _bytes.Clear();
        _listening = true;
    }

    /// <summary>Stops counting; the types by sampled bytes, most first.</summary>
    public IReadOnlyList<(string Type, long Bytes)> Stop()
    {
        _listening = false;
        return [.. _bytes.OrderByDescending(b => b.Value).Select(b => (b.Key, b.Value))];
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_listening || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }

        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, n) => n + amount);
    }
}
