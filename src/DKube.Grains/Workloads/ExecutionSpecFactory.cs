using DKube.Abstractions.Workloads;
using DKube.Executors;

namespace DKube.Grains.Workloads;

/// <summary>Turns an admitted workload into what its executor runs.</summary>
public static class ExecutionSpecFactory
{
    /// <summary>An IDE without a command runs what its kind's image runs.</summary>
    public static string CommandOf(WorkloadView view) =>
        view.Type == WorkloadType.Ide && string.IsNullOrWhiteSpace(view.Spec.Command)
            ? IdeKinds.DefaultCommands.GetValueOrDefault(view.Spec.Kind, "")
            : view.Spec.Command;

    /// <summary>An IDE; a run of kind <c>inference</c> (a deployment's replica: a model server); else a batch run.</summary>
    public static WorkloadKind KindOf(WorkloadView view) =>
        view.Type == WorkloadType.Ide ? WorkloadKind.Ide
        : view.Spec.Kind == Serving.ReplicaSpecs.Kind ? WorkloadKind.Inference
        : WorkloadKind.Run;

    /// <param name="access">DKube's own variables for the work (its API URL and token); they override hyperparameters of the same name.</param>
    public static ExecutionSpec Create(WorkloadView view, string executionId, IReadOnlyDictionary<string, string>? access = null)
    {
        var spec = view.Spec;
        // With startWithAvailableGpus the allocation may be smaller than asked: run with what was given.
        // Hyperparameters reach the code both as environment variables (their names upper-cased,
        // as DKube does; values as text) and as one JSON file (values of the JSON types they were given as).
        var environment = spec.Hyperparameters.ToDictionary(h => h.Key.ToUpperInvariant(), h => h.Value, StringComparer.Ordinal);
        foreach (var (name, value) in access ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var kind = KindOf(view);
        spec.BackendOptions.TryGetValue(BackendOptionKeys.TensorBoardOf, out var tensorBoardOf);
        if (kind == WorkloadKind.Ide)
        {
            // The server answers under the path the gateway forwards unchanged, so its own links work.
            environment[GatewayPaths.BaseUrlVariable] = tensorBoardOf is not null && spec.BackendOptions.TryGetValue(BackendOptionKeys.TensorBoardPath, out var path)
                ? path
                : GatewayPaths.IdeLab(view.Id);
        }

        var backendOptions = new Dictionary<string, string>(spec.BackendOptions, StringComparer.Ordinal)
        {
            ["hyperparameters.json"] = HyperparameterValues.TypedJson(spec),
        };
        var placement = view.Allocation?.Workers.Select(w => new AssignedWorker(w.Node, w.Gpus)).ToList() ?? [];
        return new ExecutionSpec(
            executionId,
            kind,
            view.Owner,
            view.Group,
            spec.Image,
            CommandOf(view),
            environment,
            placement.Count > 0 ? placement[0].GpuIndices.Count : spec.Gpus,
            spec.Workers,
            placement,
            spec.Cpus ?? WorkloadSpec.DefaultCpus,
            spec.MemoryGiB ?? WorkloadSpec.DefaultMemoryGiB,
            spec.Affinity,
            [],
            spec.BackendOptions.TryGetValue(BackendOptionKeys.TimeLimitMinutes, out var limit)
                ? TimeSpan.FromMinutes(int.Parse(limit, System.Globalization.CultureInfo.InvariantCulture))
                : null,
            backendOptions)
        {
            ServesHttp = kind != WorkloadKind.Run,
            TensorBoardOf = tensorBoardOf,
        };
    }
}
