using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Limits;

/// <summary>
/// A server that serves one request at a time (the rest wait their tenant's turn) and lets a tenant
/// queue <see cref="QueueLimit"/> requests, so that a test can fill the queues and watch the order.
/// </summary>
public sealed class FairServerFixture : IAsyncLifetime
{
    public const int QueueLimit = 12;

    public ServerFixture Server { get; } = new(["--MAX_CONCURRENT_REQUESTS=1", $"--TENANT_QUEUE_LIMIT={QueueLimit}"]);

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
