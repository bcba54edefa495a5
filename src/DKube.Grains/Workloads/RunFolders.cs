namespace DKube.Grains.Workloads;

/// <summary>
/// Where a silo stages what a run reads and writes, apart from the executor's own working
/// folder: <c>{root}/{executionId}/inputs/...</c>, <c>.../code</c> and <c>.../output</c>.
/// </summary>
public sealed class RunFolders(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Of(string executionId) => Path.Combine(Root, executionId);

    public string Input(string executionId, string mountPath) => Path.Combine(Of(executionId), "inputs", mountPath);

    public string Code(string executionId) => Path.Combine(Of(executionId), "code");

    public string Output(string executionId) => Path.Combine(Of(executionId), "output");

    /// <summary>
    /// Removes the staged inputs and code of an execution nothing runs on, so staging starts again
    /// from empty folders rather than trusting a copy a dead silo left half done. Links to
    /// external folders are removed, never followed.
    /// </summary>
    public void ClearStaged(string executionId)
    {
        foreach (var folder in new[] { Path.Combine(Of(executionId), "inputs"), Code(executionId) })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
