namespace DKube.Integration.Tests.Infrastructure;

/// <summary>Runs a diagnostic action at dispose unless the scope was marked as succeeded (prints logs only for failing tests).</summary>
public sealed class OnFailure(Action action) : IDisposable
{
    private bool _succeeded;

    public void Succeeded() => _succeeded = true;

    public void Dispose()
    {
        if (!_succeeded)
        {
            action();
        }
    }
}
