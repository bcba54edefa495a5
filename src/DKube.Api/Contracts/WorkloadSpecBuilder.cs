using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Endpoints;
using DKube.Api.Validation;

namespace DKube.Api.Contracts;

/// <summary>
/// Validates a create body and resolves it into a <see cref="WorkloadSpec"/>: each field comes
/// from the body, else from the base spec (a template or the run being cloned), else a default.
/// </summary>
public static partial class WorkloadSpecBuilder
{
    public const int MaxGpus = 1024;
    public const int MaxWorkers = 256;
    public const int MaxHyperparameters = 100;
    public const int MaxCommandLength = 16 * 1024;
    public const double MaxCpus = 1024;
    public const int MaxMemoryGiB = 16 * 1024;
    public static readonly IReadOnlySet<string> RunKinds = new HashSet<string>(["training", "preprocessing"], StringComparer.Ordinal);
    public static readonly IReadOnlySet<string> IdeKinds = new HashSet<string>(["jupyterlab", "rstudio"], StringComparer.Ordinal);

    /// <param name="shared">In a batch, the look-ups its specs share (each project asked once).</param>
    public static async Task<WorkloadSpec> ForRunAsync(CreateRunRequest request, WorkloadSpec? basis, Caller caller, IGrainFactory grains, BatchLookups? shared = null)
    {
        var validator = new RequestValidator();
        var kind = request.Kind ?? basis?.Kind;
        validator.Check(kind is not null && RunKinds.Contains(kind), "kind", "must be training or preprocessing.");
        var command = request.Command ?? basis?.Command;
        validator.Text("command", command, MaxCommandLength, required: true);
        var output = Output(request.Output, validator) ?? basis?.Output;
        validator.Check(output is null || kind != "training" || output.Kind == "model", "output", "a training run outputs a model.");
        validator.Check(output is null || kind != "preprocessing" || output.Kind != "model", "output", "a preprocessing run outputs a dataset or featureset.");
        validator.Range("distribution.workers", request.Distribution?.Workers, 0, MaxWorkers, required: false);
        validator.Range("expectedMinutes", request.ExpectedMinutes, 1, 525_600, required: false);
        var distribution = request.Distribution is { } d ? new Distribution(d.Mode ?? DistributionMode.Auto, d.Workers ?? 1) : basis?.Distribution;
        var backend = SlurmOptions(request.Slurm, validator) ?? basis?.BackendOptions ?? new Dictionary<string, string>();
        var common = await CommonAsync(request.Name, request.Group, request.Project, request.Code, request.Image, request.Hyperparameters, request.Gpus,
            request.Cluster, request.Affinity, request.Inputs, (request.Cpus, request.MemoryGiB), basis, caller, grains, validator, shared);
        return common with
        {
            Kind = kind!,
            Command = command!,
            Output = output,
            StartWithAvailableGpus = request.StartWithAvailableGpus ?? basis?.StartWithAvailableGpus ?? false,
            Distribution = distribution is { Workers: > 0 } ? distribution : null,
            ExpectedDuration = request.ExpectedMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : basis?.ExpectedDuration ?? TimeSpan.FromHours(1),
            BackendOptions = backend,
        };
    }

    public static async Task<WorkloadSpec> ForIdeAsync(CreateIdeRequest request, WorkloadSpec? basis, Caller caller, IGrainFactory grains)
    {
        var validator = new RequestValidator();
        var kind = request.Ide ?? basis?.Kind ?? "jupyterlab";
        validator.Check(IdeKinds.Contains(kind), "ide", "must be jupyterlab or rstudio.");
        validator.Text("command", request.Command, MaxCommandLength);
        var common = await CommonAsync(request.Name, request.Group, request.Project, request.Code, request.Image, request.Hyperparameters, request.Gpus,
            request.Cluster, request.Affinity, request.Inputs, (request.Cpus, request.MemoryGiB), basis, caller, grains, validator);
        return common with
        {
            Kind = kind,
            // An empty command means "what the IDE's image runs"; the grain fills it in.
            Command = request.Command ?? basis?.Command ?? "",
            StartWithAvailableGpus = request.StartWithAvailableGpus ?? basis?.StartWithAvailableGpus ?? false,
            ExpectedDuration = TimeSpan.FromHours(8),
        };
    }

    private static async Task<WorkloadSpec> CommonAsync(
        string? name, string? group, string? project, CodeRequest? code, string? image, Dictionary<string, JsonElement>? hyperparameters, int? gpus,
        string? cluster, IReadOnlyList<string>? affinity, InputsRequest? inputs, (double? Cpus, int? MemoryGiB) resources, WorkloadSpec? basis, Caller caller,
        IGrainFactory grains, RequestValidator validator, BatchLookups? shared = null)
    {
        validator
            .Name("name", name ?? basis?.Name)
            .Name("group", group, required: false)
            .Name("cluster", cluster, required: false)
            .Text("image", image, 512)
            .Range("gpus", gpus ?? basis?.Gpus ?? 0, 0, MaxGpus)
            .Check(project is null || project.Length <= 64, "project", "is not a project id.")
            .Check(resources.Cpus is null || (resources.Cpus > 0 && resources.Cpus <= MaxCpus && double.IsFinite(resources.Cpus.Value)), "cpus", $"must be more than 0 and at most {MaxCpus} (per worker).")
            .Range("memoryGiB", resources.MemoryGiB, 1, MaxMemoryGiB, required: false);
        foreach (var label in affinity ?? [])
        {
            validator.Check(label.Length is > 0 and <= 63 && LabelPattern().IsMatch(label), "affinity", $"'{label}' is not a node label.");
        }

        if (code is not null)
        {
            validator.Text("code.repo", code.Repo, 64, required: true).Commit("code.commit", code.Commit);
        }

        var given = Hyperparameters(hyperparameters, validator);
        var parameters = given ?? basis?.Hyperparameters ?? new Dictionary<string, string>();
        var parametersJson = given is null ? basis?.HyperparametersJson : HyperparameterValues.JsonOf(hyperparameters!);
        var inputList = Inputs(inputs, validator) ?? basis?.Inputs ?? [];
        validator.ThrowIfInvalid();

        // The group: asked for, else the project's, else the template's, else the caller's first.
        var projectId = project ?? basis?.Project;
        string? projectGroup = null;
        if (projectId is not null)
        {
            projectGroup = (await BatchLookups.Shared(shared, "project", projectId, () => ProjectEndpoints.VisibleAsync(projectId, caller, grains))).Group;
        }

        var resolvedGroup = CallerGroups.Resolve(caller, group ?? projectGroup ?? basis?.Group);
        return new WorkloadSpec(
            name ?? basis!.Name, "", resolvedGroup, projectId, code is null ? basis?.Code : new CodeRef(code.Repo!, code.Commit), image ?? basis?.Image, "", inputList, null, parameters,
            gpus ?? basis?.Gpus ?? 0, false, null, cluster ?? basis?.Cluster, affinity ?? basis?.Affinity ?? [], TimeSpan.FromHours(1),
            new Dictionary<string, string>(), parametersJson, resources.Cpus ?? basis?.Cpus, resources.MemoryGiB ?? basis?.MemoryGiB);
    }

    private static Dictionary<string, string>? Hyperparameters(Dictionary<string, JsonElement>? values, RequestValidator validator)
    {
        if (values is null)
        {
            return null;
        }

        validator.Check(values.Count <= MaxHyperparameters, "hyperparameters", $"at most {MaxHyperparameters} are allowed.");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            validator.Check(key.Length <= 64 && ParameterPattern().IsMatch(key), "hyperparameters", $"'{key}' is not a valid name (letters, digits, '_').");
            var text = HyperparameterValues.TextOf(value);
            validator.Check(text is not null && text.Length <= 4096, "hyperparameters", $"'{key}' must be a string, number or boolean of at most 4096 characters.");
            result[key] = text ?? "";
        }

        return result;
    }

    private static List<VersionRef>? Inputs(InputsRequest? inputs, RequestValidator validator)
    {
        if (inputs is null)
        {
            return null;
        }

        var all = new List<VersionRef>();
        foreach (var (kind, list) in new[] { ("dataset", inputs.Datasets), ("featureset", inputs.Featuresets), ("model", inputs.Models) })
        {
            foreach (var input in list ?? [])
            {
                validator.Name($"inputs.{kind}s.name", input.Name);
                validator.Range($"inputs.{kind}s.version", input.Version, 1, int.MaxValue, required: false);
                var mount = input.MountPath;
                validator.Check(mount is { Length: > 0 and <= 255 } && !mount.StartsWith('/') && !mount.Split('/').Contains("..") && !mount.Contains('\0', StringComparison.Ordinal),
                    $"inputs.{kind}s.mountPath", "must be a relative path inside the run's folder.");
                all.Add(new VersionRef(kind, input.Name ?? "", input.Version, mount ?? ""));
            }
        }

        return all;
    }

    private static OutputRef? Output(OutputRequest? output, RequestValidator validator)
    {
        if (output is null)
        {
            return null;
        }

        var named = new[] { (RepoKinds.Model, output.Model), (RepoKinds.Dataset, output.Dataset), (RepoKinds.FeatureSet, output.Featureset) }.Where(o => o.Item2 is not null).ToList();
        validator.Check(named.Count == 1, "output", "names exactly one of model, dataset or featureset.");
        if (named.Count != 1)
        {
            return null;
        }

        validator.Name($"output.{named[0].Item1}", named[0].Item2);
        return new OutputRef(named[0].Item1, named[0].Item2!);
    }

    private static Dictionary<string, string>? SlurmOptions(SlurmRequest? slurm, RequestValidator validator)
    {
        if (slurm is null)
        {
            return null;
        }

        validator.Range("slurm.timeLimitMinutes", slurm.TimeLimitMinutes, 1, 525_600, required: false);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                validator.Check(value.Length <= 128 && SlurmWordPattern().IsMatch(value), $"slurm.{key}", "must be a plain Slurm name.");
                options[key] = value;
            }
        }

        // The keys the Slurm executor reads (see SlurmBackendOptions).
        Set("partition", slurm.Partition);
        Set("account", slurm.Account);
        Set("qos", slurm.Qos);
        Set("sbatch.constraint", slurm.Sbatch?.Constraint);
        Set("sbatch.reservation", slurm.Sbatch?.Reservation);
        Set("sbatch.wckey", slurm.Sbatch?.Wckey);
        validator.Range("slurm.sbatch.nice", slurm.Sbatch?.Nice, -10000, 10000, required: false);
        if (slurm.Sbatch?.Nice is { } nice)
        {
            options["sbatch.nice"] = nice.ToString(CultureInfo.InvariantCulture);
        }

        if (slurm.Sbatch?.Requeue is { } requeue)
        {
            options["sbatch.requeue"] = requeue ? "true" : "false";
        }

        if (slurm.TimeLimitMinutes is { } limit)
        {
            options[BackendOptionKeys.TimeLimitMinutes] = limit.ToString(CultureInfo.InvariantCulture);
        }

        return options;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/=-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SlurmWordPattern();
}
