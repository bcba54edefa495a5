using System.Collections.Concurrent;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// Counts every grain call the silo receives, by interface and method: what one request costs in
/// hops, a figure that does not depend on how loaded the machine is.
/// </summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        _calls.AddOrUpdate(context.InterfaceName + "." + context.MethodName, 1, (_, n) => n + 1);
        return context.Invoke();
    }

    /// <summary>The counts so far, and from now on counting from zero.</summary>
    public IReadOnlyDictionary<string, long> Take()
    {
        var taken = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in _calls.Keys)
        {
            if (_calls.TryRemove(key, out var n))
            {
                taken[key] = n;
            }
        }

        return taken;
    }
}
