using DKube.Abstractions.Clusters;
using DKube.Abstractions.Errors;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Clusters: registered by the operator; their credentials never come back out.</summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this RouteGroupBuilder api)
    {
        var clusters = api.MapGroup("/clusters").WithTags("Clusters").RequireOperator();
        clusters.MapPost("/", Register).WithSummary("Register a cluster: local (declared nodes), slurm (slurmrestd) or kubernetes.");
        clusters.MapGet("/", List).WithSummary("Every cluster with its nodes, capacity, use and health.");
        clusters.MapGet("/{name}", Get).WithSummary("One cluster.");
        clusters.MapPost("/{name}/refresh", Refresh)
            .WithSummary("Read a Slurm or Kubernetes cluster's nodes from its backend now (they are also read every DKUBE_NODE_REFRESH_SECONDS); pools drawing on it plan with the new ones.");
    }

    private static async Task<Created<ClusterView>> Register(CreateClusterRequest request, IGrainFactory grains)
    {
        var validator = new RequestValidator().Name("name", request.Name).Check(request.Kind is not null, "kind", "must be local, kubernetes or slurm.");
        var nodes = new List<NodeInfo>();
        foreach (var node in request.Nodes ?? [])
        {
            validator.Name("nodes.name", node.Name)
                .Range("nodes.gpus", node.Gpus ?? 0, 0, 1024)
                .Range("nodes.cpus", node.Cpus ?? 1, 1, 100_000)
                .Range("nodes.memoryGiB", node.MemoryGiB ?? 1, 1, 1_000_000);
            nodes.Add(new NodeInfo(node.Name ?? "", node.Gpus ?? 0, node.Cpus ?? 1, node.MemoryGiB ?? 1, node.Labels ?? []));
        }

        validator.Check(nodes.Select(n => n.Name).Distinct().Count() == nodes.Count, "nodes", "node names must be unique.");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (request.Kind)
        {
            case ClusterKind.Local:
                validator.Check(nodes.Count > 0, "nodes", "a local cluster declares at least one node.");
                break;
            case ClusterKind.Slurm:
                validator.Check(Uri.TryCreate(request.Endpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https", "endpoint", "must be the http(s) URL of a slurmrestd.")
                    .Text("user", request.User, 64, required: true)
                    .Text("token", request.Token, 8192, required: true)
                    .Text("partition", request.Partition, 128)
                    .Check(request.OutputDirectory is null || Path.IsPathFullyQualified(request.OutputDirectory), "outputDirectory", "must be an absolute path.")
                    .Check(request.JobCompLog is null || Path.IsPathFullyQualified(request.JobCompLog), "jobCompLog", "must be an absolute path.")
                    .Check(request.SharedPath is null || Path.IsPathFullyQualified(request.SharedPath), "sharedPath", "must be an absolute path.")
                    .Check(request.ApiVersion is null || request.ApiVersion.StartsWith("v0.0.", StringComparison.Ordinal), "apiVersion", "must look like v0.0.38.");
                Put(settings, "endpoint", request.Endpoint);
                Put(settings, "user", request.User);
                Put(settings, "token", request.Token);
                Put(settings, "partition", request.Partition);
                Put(settings, "apiVersion", request.ApiVersion);
                Put(settings, "outputDirectory", request.OutputDirectory);
                Put(settings, "jobCompLog", request.JobCompLog);
                Put(settings, "sharedPath", request.SharedPath);
                break;
            case ClusterKind.Kubernetes:
                validator.Text("kubeconfig", request.Kubeconfig, 256 * 1024).Name("namespace", request.Namespace, required: false)
                    .Name("volumeClaim", request.VolumeClaim, required: false)
                    .Check((request.VolumeClaim is null) == (request.StagingPath is null), "stagingPath", "is given together with volumeClaim: where this silo sees the claim's storage.")
                    .Check(request.StagingPath is null || Path.IsPathFullyQualified(request.StagingPath), "stagingPath", "must be an absolute path.")
                    .Check(request.MountPath is null || (request.VolumeClaim is not null && request.MountPath.StartsWith('/') && !request.MountPath.Split('/').Contains("..")),
                        "mountPath", "must be an absolute path without '..', with volumeClaim.")
                    .Check(request.ClusterDomain is null || request.ClusterDomain.Length <= 253 && Uri.CheckHostName(request.ClusterDomain) == UriHostNameType.Dns,
                        "clusterDomain", "must be a DNS domain (the cluster's, cluster.local unless it was set up with another).");
                Put(settings, "kubeconfig", request.Kubeconfig);
                Put(settings, "namespace", request.Namespace);
                Put(settings, "volumeClaim", request.VolumeClaim);
                Put(settings, "stagingPath", request.StagingPath);
                Put(settings, "mountPath", request.MountPath);
                Put(settings, "clusterDomain", request.ClusterDomain);
                break;
        }

        validator.ThrowIfInvalid();
        var view = await grains.GetGrain<IClusterGrain>(request.Name!).Register(new ClusterSpec(request.Name!, request.Kind!.Value, nodes, settings));
        return TypedResults.Created($"{DKubeApi.BasePath}/clusters/{view.Name}", view);
    }

    private static async Task<Ok<ItemsPage<ClusterView>>> List(IGrainFactory grains)
    {
        var names = await grains.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).List();
        var views = await Task.WhenAll(names.Select(n => grains.GetGrain<IClusterGrain>(n).Get()));
        return TypedResults.Ok(new ItemsPage<ClusterView>(views.OfType<ClusterView>().ToList(), null));
    }

    private static async Task<Ok<ClusterView>> Get(string name, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IClusterGrain>(name).Get() ?? throw DomainException.NotFound("Cluster", name));

    private static async Task<Ok<ClusterView>> Refresh(string name, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IClusterGrain>(name).RefreshNodes() ?? throw DomainException.NotFound("Cluster", name));

    private static void Put(Dictionary<string, string> settings, string key, string? value)
    {
        if (value is not null)
        {
            settings[key] = value;
        }
    }
}
