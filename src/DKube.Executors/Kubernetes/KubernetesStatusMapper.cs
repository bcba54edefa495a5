using k8s.Models;

namespace DKube.Executors.Kubernetes;

/// <summary>Job and pod states in DKube's words.</summary>
internal static class KubernetesStatusMapper
{
    /// <summary>A run: the Job's conditions decide how it ended; its pods say whether it waits or runs.</summary>
    public static ExecutionStatus ForJob(string id, V1Job job, IReadOnlyCollection<V1Pod> pods, DateTimeOffset at)
    {
        var name = job.Metadata?.Name;
        ExecutionStatus Status(ExecutionState state, int? code = null, string? reason = null) => new(id, state, at, code, reason, name);

        // SuccessCriteriaMet / FailureTarget (Kubernetes 1.31+) come first and are already decisive.
        if ((Condition(job, "Complete") ?? Condition(job, "SuccessCriteriaMet")) is not null)
        {
            return Status(ExecutionState.Succeeded, 0);
        }

        if ((Condition(job, "Failed") ?? Condition(job, "FailureTarget")) is { } failed)
        {
            var (code, podReason) = FirstFailure(pods);
            return failed.Reason == "DeadlineExceeded"
                ? Status(ExecutionState.Failed, code, "time limit")
                : Status(ExecutionState.Failed, code, podReason ?? failed.Reason ?? failed.Message ?? "failed");
        }

        if (pods.Where(p => p.Status?.Phase is null or "Pending").OrderBy(Order).FirstOrDefault() is { } waiting)
        {
            return Status(ExecutionState.Pending, reason: PendingReason(waiting));
        }

        return pods.Count > 0 || job.Status?.Active > 0
            ? Status(ExecutionState.Running)
            : Status(ExecutionState.Pending, reason: "waiting for pods");
    }

    /// <summary>
    /// A server: its one pod's phase. While it runs, an IDE's endpoint is the pod's address and
    /// container port; a model server's is its Service's DNS name (stable whatever the pod's address,
    /// and what the gateway of another silo of the cluster resolves).
    /// </summary>
    public static ExecutionStatus ForServerPod(string id, V1Pod pod, DateTimeOffset at, KubernetesOptions options)
    {
        ExecutionStatus Status(ExecutionState state, int? code = null, string? reason = null) => new(id, state, at, code, reason, pod.Metadata?.Name);
        var (code, containerReason) = FirstFailure([pod]);
        return pod.Status?.Phase switch
        {
            "Running" => Status(ExecutionState.Running) with
            {
                Endpoint = KindOf(pod) == WorkloadKind.Inference ? ServiceEndpointOf(pod, options) : EndpointOf(pod),
            },
            "Succeeded" => Status(ExecutionState.Succeeded, 0),
            "Failed" when pod.Status.Reason == "DeadlineExceeded" => Status(ExecutionState.Failed, code, "time limit"),
            "Failed" => Status(ExecutionState.Failed, code, containerReason ?? pod.Status.Reason ?? "failed"),
            "Unknown" => Status(ExecutionState.Pending, reason: "node unreachable"),
            _ => Status(ExecutionState.Pending, reason: PendingReason(pod)),
        };
    }

    /// <summary><c>http://podIP:port</c> of the container's first port; null until the pod has an address.</summary>
    public static string? EndpointOf(V1Pod pod) =>
        pod.Status?.PodIP is { Length: > 0 } ip
        && pod.Spec?.Containers?.FirstOrDefault()?.Ports?.FirstOrDefault()?.ContainerPort is { } port
            ? HttpEndpoint.Url(ip, port)
            : null;

    /// <summary><c>http://{service}.{namespace}.svc.{domain}:port</c>: the Service is named after the work, as its pod is.</summary>
    public static string? ServiceEndpointOf(V1Pod pod, KubernetesOptions options) =>
        KubernetesLabels.RunIdOf(pod.Metadata) is { } id
        && pod.Spec?.Containers?.FirstOrDefault()?.Ports?.FirstOrDefault()?.ContainerPort is { } port
            ? HttpEndpoint.Url($"{id}.{pod.Metadata.NamespaceProperty ?? options.Namespace}.svc.{options.ClusterDomain}", port)
            : null;

    /// <summary>The kind of work a server pod stands for, from its kind label.</summary>
    public static WorkloadKind KindOf(V1Pod pod) =>
        pod.Metadata?.Labels?.TryGetValue(KubernetesLabels.Kind, out var kind) == true && kind == KubernetesLabels.InferenceKind
            ? WorkloadKind.Inference
            : WorkloadKind.Ide;

    /// <summary>Why a pod waits: a container's waiting reason (ImagePullBackOff), else why it is unscheduled.</summary>
    public static string PendingReason(V1Pod pod)
    {
        if (pod.Status?.ContainerStatuses?.Select(c => c.State?.Waiting).FirstOrDefault(w => w?.Reason is not null) is { } waiting)
        {
            return Words(waiting.Reason, waiting.Message);
        }

        if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } unscheduled)
        {
            return Words(unscheduled.Reason ?? "Unschedulable", unscheduled.Message);
        }

        return pod.Status?.Reason ?? "pod pending";
    }

    /// <summary>
    /// The exit code of the first worker (master first) whose container ended non-zero, and the
    /// container's reason when it says more than "Error" (e.g. OOMKilled).
    /// </summary>
    public static (int? Code, string? Reason) FirstFailure(IEnumerable<V1Pod> pods)
    {
        var terminated = pods.OrderBy(Order)
            .SelectMany(p => p.Status?.ContainerStatuses ?? [])
            .Select(c => c.State?.Terminated)
            .FirstOrDefault(t => t is not null && t.ExitCode != 0);
        return terminated is null
            ? (null, null)
            : (terminated.ExitCode, terminated.Reason is null or "Error" ? null : terminated.Reason);
    }

    /// <summary>Workers by completion index, so the master (index 0) comes first; then by name.</summary>
    public static (int, string) Order(V1Pod pod) =>
        (pod.Metadata?.Labels is { } labels && labels.TryGetValue(KubernetesLabels.CompletionIndex, out var index)
            && int.TryParse(index, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue,
         pod.Metadata?.Name ?? "");

    private static V1JobCondition? Condition(V1Job job, string type) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type == type && c.Status == "True");

    private static string Words(string reason, string? message) =>
        string.IsNullOrWhiteSpace(message) ? reason : $"{reason}: {message}";
}
