using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Limits;

/// <summary>
/// A server with small rate limits, so that a test exhausts them in a few requests: writes refill one
/// token every 5 s (burst 3), slowly enough that a loaded machine cannot refill a bucket mid-test.
/// </summary>
public sealed class LimitedServerFixture : IAsyncLifetime
{
    public const int WriteBurst = 3;

    public ServerFixture Server { get; } = new(["--RATE_WRITES_PER_SECOND=0.2", $"--RATE_WRITE_BURST={WriteBurst}", "--RATE_READS_PER_SECOND=50"]);

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
