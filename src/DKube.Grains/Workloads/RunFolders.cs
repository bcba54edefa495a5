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
}
