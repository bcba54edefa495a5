namespace DKube.Storage.Versions;

/// <summary>
/// Content-addressed storage of version files, keyed by the lower-case hex SHA-256 of their
/// bytes, so equal content is stored once. The local-disk store is the default; an object
/// store (S3) can implement the same contract.
/// </summary>
public interface IBlobStore
{
    /// <summary>A local folder where content is staged (and hashed) before it enters the store.</summary>
    string StagingRoot { get; }

    /// <summary>
    /// Moves the staged file <paramref name="stagedFile"/>, whose SHA-256 is <paramref name="hash"/>,
    /// into the store; when the store holds that content already the staged file is just dropped.
    /// Returns whether new bytes were stored.
    /// </summary>
    Task<bool> PutAsync(string hash, string stagedFile, CancellationToken cancellationToken);

    Task<Stream> OpenReadAsync(string hash, CancellationToken cancellationToken);
}
