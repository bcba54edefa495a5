using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Limits;

/// <summary>A server with four request slots per lane (one of them the reserve), so that a test can take a tenant's whole share by hand.</summary>
public sealed class ShareServerFixture : IAsyncLifetime
{
    public const int Slots = 4;

    public ServerFixture Server { get; } = new([$"--MAX_CONCURRENT_REQUESTS={Slots}"]);

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
