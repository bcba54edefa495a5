using System.Diagnostics.Metrics;

namespace DKube.Storage.Tests;

/// <summary>Meters for a component under test, without a host.</summary>
internal sealed class TestMeters : IMeterFactory
{
    public Meter Create(MeterOptions options) => new(options);

    public void Dispose()
    {
    }
}
