using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Endpoints;

namespace DKube.Api.Contracts;

/// <summary>
/// Resolves what a run refers to, at submission: each input, the output and the code repo by id
/// or by the caller's own name for it (404 when not visible), and the code commit (the latest of
/// the branch when none is named), which the run then keeps.
/// </summary>
public static class RunReferences
{
    public static async Task<WorkloadSpec> ResolveAsync(
        WorkloadSpec spec, Caller caller, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code, CancellationToken cancellationToken)
    {
        var inputs = new List<VersionRef>();
        foreach (var input in spec.Inputs)
        {
            var kind = KindOf(input.Kind);
            var repo = await DataRepoAsync(kind, input.RepoId ?? input.Name, caller, grains, directory, cancellationToken);
            if (input.Version is { } version)
            {
                await RepoAccess.VisibleVersionAsync(kind, repo.Id, version, caller, grains);
            }
            else if (repo.Versioned && repo.LatestVersion == 0)
            {
                throw DomainException.Unprocessable("empty-input", $"{kind} '{repo.Name}' has no version yet to use as an input.");
            }

            inputs.Add(input with { RepoId = repo.Id });
        }

        var output = spec.Output;
        if (output is not null)
        {
            var repo = await DataRepoAsync(KindOf(output.Kind), output.RepoId ?? output.Name, caller, grains, directory, cancellationToken);
            if (!caller.CanSee(repo.Owner, repo.Group))
            {
                // Featuresets are readable by everyone, but only their group may add versions.
                throw DomainException.Forbidden($"Only the group of '{repo.Name}' may write versions of it.");
            }

            if (!repo.Versioned)
            {
                throw DomainException.Unprocessable("not-versioned", $"'{repo.Name}' is not versioned; a run can only output to a versioned repository.");
            }

            output = output with { RepoId = repo.Id };
        }

        var codeRef = spec.Code is { } asked ? await ResolveCodeAsync(asked, caller, grains, directory, code, cancellationToken) : null;
        return spec with { Inputs = inputs, Output = output, Code = codeRef };
    }

    /// <summary>
    /// A code repo by id or the caller's own name for it (404 when not visible) and its commit (the
    /// latest of the branch when none is named): what a run keeps, and a deployment's transformer too.
    /// </summary>
    public static async Task<CodeRef> ResolveCodeAsync(
        CodeRef codeRef, Caller caller, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code, CancellationToken cancellationToken)
    {
        var repoId = await IdOfAsync(RepoKinds.Code, codeRef.RepoId ?? codeRef.Repo, caller, directory, cancellationToken);
        await RepoAccess.VisibleCodeAsync(repoId, caller, grains);
        return codeRef with { RepoId = repoId, Commit = await code.ResolveCommitAsync(repoId, codeRef.Commit, cancellationToken) };
    }

    private static async Task<DataRepoView> DataRepoAsync(
        RepoKind kind, string nameOrId, Caller caller, IGrainFactory grains, IResourceDirectory directory, CancellationToken cancellationToken) =>
        await RepoAccess.VisibleDataAsync(kind, await IdOfAsync(RepoKinds.Of(kind), nameOrId, caller, directory, cancellationToken), caller, grains);

    /// <summary>An id as given, or the id of the caller's own repository of that name.</summary>
    private static async Task<string> IdOfAsync(string kind, string nameOrId, Caller caller, IResourceDirectory directory, CancellationToken cancellationToken) =>
        await directory.FindIdByNameAsync(kind, caller.Name, nameOrId, cancellationToken) ?? nameOrId;

    private static RepoKind KindOf(string kind) =>
        RepoKinds.ParseData(kind) ?? throw DomainException.Validation("inputs", $"'{kind}' is not a dataset, featureset or model.");
}
