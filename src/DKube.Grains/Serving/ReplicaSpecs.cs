using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Workloads;

namespace DKube.Grains.Serving;

/// <summary>What a replica runs: a workload of kind <c>inference</c> with the model version mounted and the runtime as its command.</summary>
public static class ReplicaSpecs
{
    /// <summary>The pool kind of replicas (GPUs come from the group's pool like runs).</summary>
    public const string Kind = "inference";

    /// <summary>Where the model version appears in the replica's working folder.</summary>
    public const string ModelMount = "model";

    /// <summary>The path the readiness probe asks: the runtime's health route for sklearn, the prefix itself for a custom command.</summary>
    public static string ProbePath(ServingRuntime runtime) =>
        runtime.Kind == ServingRuntime.Sklearn ? $"{runtime.Prefix}/v2/health/ready" : $"{runtime.Prefix}/";

    /// <summary>
    /// The replica's workload. Its executor gives it <c>PORT</c> and <c>DKUBE_BIND_ADDRESS</c> (work
    /// of this kind serves HTTP) and reports where it is reached; a custom runtime's <c>port</c> is
    /// that port: the container port on Kubernetes, the loopback port of a local process (else a free one).
    /// </summary>
    public static WorkloadSpec For(string deploymentId, string replicaName, DeploymentSpec spec, int modelVersion, ServingOptions options)
    {
        var runtime = spec.Serving;
        var command = runtime.Kind == ServingRuntime.Sklearn ? options.SklearnCommand : runtime.Command!;
        // Set by the command's shell rather than as hyperparameters: DKUBE_MODEL_DIR is a path the
        // executor decides (the mount inside the working folder), known only where the command runs.
        var exports = Exports(Variables(deploymentId, spec));
        // The sklearn server replaces the shell (exec); a custom command may be any shell text (an if, a pipeline).
        var run = runtime.Kind == ServingRuntime.Sklearn ? $"exec {command}" : command;
        var script = $"export {exports} DKUBE_MODEL_DIR=\"${{DKUBE_WORK_DIR:-$PWD}}/{ModelMount}\"; {run}";
        return new WorkloadSpec(
            replicaName, Kind, spec.Group, spec.Project, null, runtime.Image ?? spec.Serving.Image, script,
            [new VersionRef(RepoKinds.Of(RepoKind.Model), spec.Model.Name, modelVersion, ModelMount, spec.Model.RepoId)],
            null, new Dictionary<string, string>(), spec.Gpus, false, null, spec.Cluster,
            spec.Production ? ["production"] : [], TimeSpan.Zero, BackendOptions(runtime), null, spec.Cpus, spec.MemoryGiB);
    }

    /// <summary>
    /// The transformer in front of a ready predictor: its script runs in the checkout of its code
    /// (the commit fixed at creation) with <c>DKUBE_PREDICTOR_URL</c> (the predictor's base URL;
    /// the transformer forwards the path it was asked, prefix included) and its own <c>PORT</c>.
    /// </summary>
    public static WorkloadSpec ForTransformer(string deploymentId, string transformerName, DeploymentSpec spec, TransformerSpec transformer, string predictorUrl)
    {
        var variables = Variables(deploymentId, spec);
        variables["DKUBE_PREDICTOR_URL"] = predictorUrl;
        var script = $"export {Exports(variables)}; cd \"${{DKUBE_WORK_DIR:-$PWD}}/{Workloads.RunDataFlow.CodeMount}\" && {transformer.Script}";
        return new WorkloadSpec(
            transformerName, Kind, spec.Group, spec.Project, transformer.Code, transformer.Image, script, [], null, new Dictionary<string, string>(), 0, false, null,
            spec.Cluster, spec.Production ? ["production"] : [], TimeSpan.Zero, new Dictionary<string, string>());
    }

    private static Dictionary<string, string> Variables(string deploymentId, DeploymentSpec spec) => new(StringComparer.Ordinal)
    {
        ["DKUBE_DEPLOYMENT_ID"] = deploymentId,
        ["DKUBE_MODEL_NAME"] = spec.Name,
        ["DKUBE_SERVING_PREFIX"] = spec.Serving.Prefix,
    };

    private static string Exports(Dictionary<string, string> variables) =>
        string.Join(' ', variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={Quote(v.Value)}"));

    private static Dictionary<string, string> BackendOptions(ServingRuntime runtime) =>
        runtime.Port is { } port
            ? new Dictionary<string, string>(StringComparer.Ordinal) { [Executors.HttpEndpoint.PortOption] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
