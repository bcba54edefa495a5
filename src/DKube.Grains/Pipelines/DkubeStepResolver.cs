using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Pipelines;

namespace DKube.Grains.Pipelines;

/// <summary>
/// Turns a DKube step of a pipeline run into what DKube makes of it, as its owner would through the
/// API: a training or preprocessing run (its code repo and commit, its input versions at their mount
/// paths, its output repository) or a deployment of a model version. Names are the owner's names for
/// repositories (or ids) and must be visible to the owner, as a run's are (404 otherwise); an output
/// must be versioned and the owner's group's. The commit is fixed here (the latest of the branch when
/// none is named), and kept by the run, so a retried creation makes the same run.
/// </summary>
public sealed class DkubeStepResolver(IGrainFactory grains, IResourceDirectory directory, ICodeResolver code)
{
    /// <summary>A deployment's replicas at most, when the step does not say (the API's default too).</summary>
    private const int DefaultMaxReplicas = 5;

    /// <summary>The run of a training or preprocessing step.</summary>
    public async Task<WorkloadSpec> RunSpecAsync(DkubeStep step, PipelineRunView run, PipelineTaskView task, CancellationToken cancellationToken)
    {
        if (step.Outputs.Count > 1)
        {
            throw new FormatException($"it names {step.Outputs.Count} outputs ({string.Join(", ", step.Outputs.Select(o => o.Name))}); a run here makes one version, of one repository");
        }

        if (step.Script is null)
        {
            throw new FormatException("it names no run_script (DKube would run the image's entrypoint; here nothing would run)");
        }

        var caller = await CallerAsync(run.Owner, cancellationToken);
        var inputs = new List<VersionRef>();
        foreach (var input in step.Inputs)
        {
            var repo = await DataRepoAsync(input.Kind, input.Name, caller, cancellationToken);
            if (input.Version is { } version)
            {
                _ = await grains.GetGrain<IDataRepoGrain>(repo.Id).GetVersion(version) ?? throw DomainException.NotFound($"Version {version} of {input.Kind}", input.Name);
            }
            else if (repo.Versioned && repo.LatestVersion == 0)
            {
                throw DomainException.Unprocessable("empty-input", $"{input.Kind} '{repo.Name}' has no version yet to use as an input.");
            }

            inputs.Add(new VersionRef(input.Kind, input.Name, input.Version, input.MountPath!, repo.Id));
        }

        OutputRef? output = null;
        if (step.Outputs is [var asked])
        {
            var repo = await DataRepoAsync(asked.Kind, asked.Name, caller, cancellationToken);
            if (!caller.CanSee(repo.Owner, repo.Group))
            {
                throw DomainException.Forbidden($"Only the group of '{repo.Name}' may write versions of it.");
            }

            if (!repo.Versioned)
            {
                throw DomainException.Unprocessable("not-versioned", $"'{repo.Name}' is not versioned; a run can only output to a versioned repository.");
            }

            output = new OutputRef(asked.Kind, asked.Name, repo.Id);
        }

        var codeRef = step.Program is { } program ? await CodeAsync(program, step.Commit, caller, cancellationToken) : null;
        var kind = step.Kind == DkubeStepKind.Training ? "training" : "preprocessing";
        return new WorkloadSpec($"{run.Name}-{task.DisplayName}", kind, run.Group, run.Project, codeRef, step.Image, Command(step, codeRef is not null),
            inputs, output, new Dictionary<string, string>(), step.Gpus, false, null, run.Cluster, [], TimeSpan.FromHours(1), new Dictionary<string, string>());
    }

    /// <summary>The deployment of a serving step: the model version it names (the latest when none), DKube's model server unless the serving image gives a command.</summary>
    public async Task<DeploymentSpec> DeploymentSpecAsync(DkubeStep step, PipelineRunView run, PipelineTaskView task, CancellationToken cancellationToken)
    {
        var serving = step.Serving ?? throw new InvalidOperationException("Not a serving step.");
        var caller = await CallerAsync(run.Owner, cancellationToken);
        var repo = await DataRepoAsync(RepoKinds.Model, serving.Model, caller, cancellationToken);
        var version = serving.ModelVersion ?? repo.LatestVersion;
        if (version == 0)
        {
            throw DomainException.Unprocessable("empty-model", $"model '{repo.Name}' has no version yet to deploy.");
        }

        _ = await grains.GetGrain<IDataRepoGrain>(repo.Id).GetVersion(version) ?? throw DomainException.NotFound($"Version {version} of model", serving.Model);
        var transformer = serving.TransformerProgram is { } program
            ? new TransformerSpec(await CodeAsync(program, serving.TransformerCommit, caller, cancellationToken), serving.TransformerScript!, serving.TransformerImage)
            : null;
        var runtime = serving.Command is { } command
            ? new ServingRuntime(ServingRuntime.Custom, command, serving.Image, null, "")
            : new ServingRuntime(ServingRuntime.Sklearn, null, serving.Image, null, "");
        var min = serving.MinReplicas ?? 1;
        return new DeploymentSpec(serving.Name ?? task.Deployment!, run.Group, run.Project, $"Served by task {task.Name} of pipeline run {run.Id}",
            new DeploymentModel(repo.Name, repo.Id, version), runtime, serving.Gpus, null, null, min, serving.MaxReplicas ?? Math.Max(min, DefaultMaxReplicas),
            DeploymentSpec.DefaultMaxConcurrentRequests, run.Cluster, true, false, transformer);
    }

    /// <summary>
    /// The step's script, as DKube runs it: in the checkout of its code (when it names one), with its
    /// <c>envs</c> exported under their exact names, and its output mount a link to the run's output
    /// folder, so what the script writes there becomes the output's next version. Mount paths are
    /// inside the run's working folder (<c>$DKUBE_WORK_DIR/opt/dkube/input</c> for DKube's
    /// <c>/opt/dkube/input</c>): a run here is a process, not a container with its own root.
    /// </summary>
    private static string Command(DkubeStep step, bool hasCode)
    {
        var parts = new List<string>();
        foreach (var (name, value) in step.Envs.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            parts.Add($"export {name}={Quote(value)}");
        }

        if (step.Outputs is [{ MountPath: { } mount }] && mount != Workloads.RunDataFlow.OutputMount)
        {
            var link = $"\"$DKUBE_WORK_DIR\"/{Quote(mount)}";
            var parent = Path.GetDirectoryName(mount);
            parts.Add((string.IsNullOrEmpty(parent) ? "" : $"mkdir -p \"$DKUBE_WORK_DIR\"/{Quote(parent)} && ") + $"ln -sfn \"$DKUBE_OUTPUT_DIR\" {link}");
        }

        if (hasCode)
        {
            parts.Add($"cd \"${{DKUBE_WORK_DIR:-$PWD}}/{Workloads.RunDataFlow.CodeMount}\"");
        }

        parts.Add(step.Script!);
        return string.Join(" && ", parts);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private async Task<Caller> CallerAsync(string owner, CancellationToken cancellationToken) =>
        await directory.FindCallerByNameAsync(owner, cancellationToken) ?? throw DomainException.NotFound("User", owner);

    /// <summary>A dataset, featureset or model by the owner's name for it, or by id; 404 when the owner may not see it.</summary>
    private async Task<DataRepoView> DataRepoAsync(string kind, string nameOrId, Caller caller, CancellationToken cancellationToken)
    {
        var repoKind = RepoKinds.ParseData(kind) ?? throw new InvalidOperationException($"'{kind}' is not a data repository kind.");
        var id = await directory.FindIdByNameAsync(kind, caller.Name, nameOrId, cancellationToken) ?? nameOrId;
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IDataRepoGrain>(id).Get() : null;
        return view is not null && view.Kind == repoKind && view.VisibleTo(caller) ? view : throw DomainException.NotFound(repoKind.ToString(), nameOrId);
    }

    /// <summary>A code repo by the owner's name for it, or by id, and its commit (the latest of its branch when none is named).</summary>
    private async Task<CodeRef> CodeAsync(string nameOrId, string? commit, Caller caller, CancellationToken cancellationToken)
    {
        var id = await directory.FindIdByNameAsync(RepoKinds.Code, caller.Name, nameOrId, cancellationToken) ?? nameOrId;
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<ICodeRepoGrain>(id).Get() : null;
        if (view is null || !caller.CanSee(view.Owner, view.Group))
        {
            throw DomainException.NotFound("Code repository", nameOrId);
        }

        return new CodeRef(nameOrId, await code.ResolveCommitAsync(id, commit, cancellationToken), id);
    }
}
