using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace DKube.Kubernetes.Tests.Fake;

/// <summary>
/// What the Job controller, scheduler and kubelet would do, done by hand: tests create a Job's
/// pods and move Jobs and pods through their states. Each call is one write, so one watch event.
/// </summary>
internal static class FakeWorkloads
{
    public static V1Job? Job(this FakeApiServer server, string name) =>
        server.State.Get(FakeResource.Jobs.Plural, name) is { } obj ? KubernetesJson.Deserialize<V1Job>(obj.ToJsonString()) : null;

    public static V1Pod? Pod(this FakeApiServer server, string name) =>
        server.State.Get(FakeResource.Pods.Plural, name) is { } obj ? KubernetesJson.Deserialize<V1Pod>(obj.ToJsonString()) : null;

    public static V1Service? Service(this FakeApiServer server, string name) =>
        server.State.Get(FakeResource.Services.Plural, name) is { } obj ? KubernetesJson.Deserialize<V1Service>(obj.ToJsonString()) : null;

    /// <summary>Creates worker <paramref name="index"/>'s pod of a Job, owned by it, labelled from its template.</summary>
    public static string StartJobPod(this FakeApiServer server, string job, int index, string phase = "Pending")
    {
        var owner = server.State.Get(FakeResource.Jobs.Plural, job) ?? throw new InvalidOperationException($"no job {job}");
        var labels = (JsonObject)owner["spec"]!["template"]!["metadata"]!["labels"]!.DeepClone();
        labels["batch.kubernetes.io/job-completion-index"] = index.ToString(CultureInfo.InvariantCulture);
        labels["job-name"] = job;
        var name = $"{job}-{index}-x{index}z";
        server.State.Create(FakeResource.Pods.Plural, FakeApiServer.Namespace, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "batch/v1",
                    ["kind"] = "Job",
                    ["name"] = job,
                    ["uid"] = owner["metadata"]!["uid"]!.GetValue<string>(),
                    ["controller"] = true,
                }),
            },
            ["spec"] = owner["spec"]!["template"]!["spec"]!.DeepClone(),
            ["status"] = new JsonObject { ["phase"] = phase },
        });
        return name;
    }

    public static void SetPodPhase(this FakeApiServer server, string pod, string phase) =>
        server.State.Update(FakeResource.Pods.Plural, pod, p => p["status"] = new JsonObject { ["phase"] = phase });

    /// <summary>Running with an address, as the kubelet reports a started pod.</summary>
    public static void SetPodRunning(this FakeApiServer server, string pod, string podIp) =>
        server.State.Update(FakeResource.Pods.Plural, pod, p => p["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = podIp });

    public static void SetPodWaiting(this FakeApiServer server, string pod, string reason, string message) =>
        server.State.Update(FakeResource.Pods.Plural, pod, p => p["status"] = JsonNode.Parse($$$"""
            {"phase":"Pending","containerStatuses":[{"name":"main","ready":false,"restartCount":0,"image":"x","imageID":"",
              "state":{"waiting":{"reason":"{{{reason}}}","message":"{{{message}}}"} } } ] }
            """));

    public static void SetPodUnschedulable(this FakeApiServer server, string pod, string message) =>
        server.State.Update(FakeResource.Pods.Plural, pod, p => p["status"] = JsonNode.Parse($$$"""
            {"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"{{{message}}}"}]}
            """));

    public static void TerminatePod(this FakeApiServer server, string pod, int exitCode, string reason) =>
        server.State.Update(FakeResource.Pods.Plural, pod, p => p["status"] = JsonNode.Parse($$$"""
            {"phase":"{{{(exitCode == 0 ? "Succeeded" : "Failed")}}}","containerStatuses":[{"name":"main","ready":false,"restartCount":0,"image":"x","imageID":"",
              "state":{"terminated":{"exitCode":{{{exitCode}}},"reason":"{{{reason}}}"} } } ] }
            """));

    public static void SetJobActive(this FakeApiServer server, string job, int active) =>
        server.State.Update(FakeResource.Jobs.Plural, job, j => j["status"] = new JsonObject { ["active"] = active });

    public static void CompleteJob(this FakeApiServer server, string job) =>
        server.State.Update(FakeResource.Jobs.Plural, job, j => j["status"] = JsonNode.Parse("""
            {"succeeded":1,"conditions":[{"type":"Complete","status":"True","reason":"CompletionsReached"}]}
            """));

    public static void FailJob(this FakeApiServer server, string job, string reason, string message) =>
        server.State.Update(FakeResource.Jobs.Plural, job, j => j["status"] = JsonNode.Parse($$$"""
            {"failed":1,"conditions":[{"type":"Failed","status":"True","reason":"{{{reason}}}","message":"{{{message}}}"}]}
            """));

    public static void AddNode(this FakeApiServer server, string name, string cpu, string memory, int gpus, bool ready, params (string Key, string Value)[] labels)
    {
        var allocatable = new JsonObject { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = "110" };
        if (gpus > 0)
        {
            allocatable["nvidia.com/gpu"] = gpus.ToString(CultureInfo.InvariantCulture);
        }

        var labelObject = new JsonObject { ["kubernetes.io/hostname"] = name };
        foreach (var (key, value) in labels)
        {
            labelObject[key] = value;
        }

        server.State.Create(FakeResource.Nodes.Plural, "", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labelObject },
            ["status"] = new JsonObject
            {
                ["capacity"] = allocatable.DeepClone(),
                ["allocatable"] = allocatable,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
            },
        });
    }
}
