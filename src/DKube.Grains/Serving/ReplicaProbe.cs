namespace DKube.Grains.Serving;

/// <summary>The HTTP readiness probe of replicas: any answer below 500 at the runtime's probe path means it serves.</summary>
public sealed class ReplicaProbe : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    public async Task<bool> IsReadyAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var answer = await _client.GetAsync(url, cancellationToken);
            return (int)answer.StatusCode < 500;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}
