using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DKube.Kubernetes.Tests.Fake;

/// <summary>
/// A Kubernetes API server, small but real on the wire: Kestrel on 127.0.0.1 with a random port,
/// JSON bodies with apiVersion/kind/metadata as the API server sends them, Status objects for
/// 404/409/400, list + <c>?watch=true&amp;resourceVersion=N</c> as chunked newline-delimited events,
/// an ERROR event with code 410 for a compacted resourceVersion, DELETE with propagationPolicy
/// (foreground: deletionTimestamp first, dependents, then the owner) and pod logs with follow.
/// Nothing runs pods: tests drive state through <see cref="State"/> and the helpers below, and
/// every change reaches watchers as an event.
/// </summary>
internal sealed class FakeApiServer : IAsyncDisposable
{
    public const string Namespace = "dkube-test";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<FakeRequest> requests = new();
    private readonly ConcurrentDictionary<string, FakeLog> logs = new(StringComparer.Ordinal);
    private CancellationTokenSource dropWatches = new();
    private TaskCompletionSource foregroundGate = Opened();

    private FakeApiServer(WebApplication app)
    {
        this.app = app;
    }

    public FakeClusterState State { get; } = new();

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<FakeRequest> Requests => [.. requests];

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = new FakeApiServer(builder.Build());
        server.Map();
        await server.app.StartAsync();
        server.Url = new Uri(server.app.Urls.First());
        return server;
    }

    /// <summary>A kubeconfig that points KubernetesClient at this server.</summary>
    public string Kubeconfig => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: {Url.ToString().TrimEnd('/')}
        contexts:
        - name: fake
          context:
            cluster: fake
            user: tester
            namespace: {Namespace}
        current-context: fake
        users:
        - name: tester
          user:
            token: not-a-secret
        """;

    /// <summary>Ends every open watch stream, as a load balancer or an API server restart does.</summary>
    public void DropWatches()
    {
        var old = Interlocked.Exchange(ref dropWatches, new CancellationTokenSource());
        old.Cancel();
        old.Dispose();
    }

    /// <summary>
    /// Foreground deletions from now on keep the owner (with deletionTimestamp) and its dependents
    /// until <see cref="ReleaseForegroundDeletions"/>, as a garbage collector still waiting on pods would.
    /// </summary>
    public void HoldForegroundDeletions() =>
        Volatile.Write(ref foregroundGate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Lets held foreground deletions finish: dependents go, then the owner.</summary>
    public void ReleaseForegroundDeletions() => Volatile.Read(ref foregroundGate).TrySetResult();

    public FakeLog LogOf(string pod) => logs.GetOrAdd(pod, _ => new FakeLog());

    public async ValueTask DisposeAsync()
    {
        ReleaseForegroundDeletions();
        DropWatches();
        await app.StopAsync();
        await app.DisposeAsync();
        dropWatches.Dispose();
    }

    private void Map()
    {
        MapCollection("/apis/batch/v1/namespaces/{ns}/jobs", FakeResource.Jobs);
        MapCollection("/api/v1/namespaces/{ns}/pods", FakeResource.Pods);
        MapCollection("/api/v1/namespaces/{ns}/services", FakeResource.Services);
        MapCollection("/api/v1/nodes", FakeResource.Nodes);
        app.MapGet("/api/v1/namespaces/{ns}/pods/{name}/log", Recorded(LogAsync));
    }

    private void MapCollection(string path, FakeResource resource)
    {
        app.MapGet(path, Recorded(ctx => IsWatch(ctx) ? WatchAsync(ctx, resource) : ListAsync(ctx, resource)));
        app.MapPost(path, Recorded(ctx => CreateAsync(ctx, resource)));
        app.MapGet(path + "/{name}", Recorded(ctx => GetAsync(ctx, resource)));
        app.MapDelete(path + "/{name}", Recorded(ctx => DeleteAsync(ctx, resource)));
    }

    private RequestDelegate Recorded(Func<HttpContext, Task> handler) => async ctx =>
    {
        string? body = null;
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(ctx.RequestAborted);
            ctx.Items["body"] = body;
        }

        var query = ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        requests.Enqueue(new FakeRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", query, body));
        await handler(ctx);
    };

    private static bool IsWatch(HttpContext ctx) => ctx.Request.Query["watch"].ToString() is "true" or "1";

    private static string Name(HttpContext ctx) => (string)ctx.Request.RouteValues["name"]!;

    private Task ListAsync(HttpContext ctx, FakeResource resource)
    {
        var (items, version) = State.List(resource.Plural, ctx.Request.Query["labelSelector"]);
        var list = new JsonObject
        {
            ["kind"] = resource.Kind + "List",
            ["apiVersion"] = resource.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = Text(version) },
            ["items"] = new JsonArray([.. items]),
        };
        return WriteAsync(ctx, HttpStatusCode.OK, list);
    }

    private async Task WatchAsync(HttpContext ctx, FakeResource resource)
    {
        var selector = ctx.Request.Query["labelSelector"].ToString();
        var from = ctx.Request.Query["resourceVersion"].ToString();
        var timeout = int.TryParse(ctx.Request.Query["timeoutSeconds"], CultureInfo.InvariantCulture, out var t) ? t : 1800;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, dropWatches.Token);
        stop.CancelAfter(TimeSpan.FromSeconds(timeout));

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.StartAsync(ctx.RequestAborted);

        // No resourceVersion: the current state as ADDED events, then changes (as the API server does).
        long since;
        if (from is "" or "0")
        {
            var (items, version) = State.List(resource.Plural, selector);
            foreach (var item in items)
            {
                await WriteEventAsync(ctx, "ADDED", item);
            }

            since = version;
        }
        else
        {
            since = long.Parse(from, CultureInfo.InvariantCulture);
        }

        while (true)
        {
            var (events, changed, expired) = State.Since(resource.Plural, since, selector);
            if (expired)
            {
                await WriteEventAsync(ctx, "ERROR", Status(HttpStatusCode.Gone, "Expired", $"too old resource version: {since} ({State.Version})"));
                return;
            }

            foreach (var e in events)
            {
                await WriteEventAsync(ctx, e.Type, e.Object);
                since = e.Version;
            }

            try
            {
                await changed.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task CreateAsync(HttpContext ctx, FakeResource resource)
    {
        var obj = (JsonObject)JsonNode.Parse((string)ctx.Items["body"]!)!;
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (resource == FakeResource.Services)
        {
            obj["spec"]!["clusterIP"] = "10.96.0." + Random.Shared.Next(2, 250).ToString(CultureInfo.InvariantCulture);
        }

        if (resource == FakeResource.Pods)
        {
            obj["status"] = new JsonObject { ["phase"] = "Pending" };
        }

        var created = State.Create(resource.Plural, (string)ctx.Request.RouteValues["ns"]!, obj);
        await (created is null
            ? WriteAsync(ctx, HttpStatusCode.Conflict, Status(HttpStatusCode.Conflict, "AlreadyExists", $"{resource.Qualified} \"{name}\" already exists", resource, name))
            : WriteAsync(ctx, HttpStatusCode.Created, created));
    }

    private Task GetAsync(HttpContext ctx, FakeResource resource) =>
        State.Get(resource.Plural, Name(ctx)) is { } obj
            ? WriteAsync(ctx, HttpStatusCode.OK, obj)
            : NotFoundAsync(ctx, resource, Name(ctx));

    private async Task DeleteAsync(HttpContext ctx, FakeResource resource)
    {
        var name = Name(ctx);
        var options = ctx.Items["body"] is string body && body.Length > 0 ? JsonNode.Parse(body) as JsonObject : null;
        var policy = options?["propagationPolicy"]?.GetValue<string>() ?? ctx.Request.Query["propagationPolicy"].ToString();
        if (State.Get(resource.Plural, name) is null)
        {
            await NotFoundAsync(ctx, resource, name);
            return;
        }

        if (policy != "Foreground")
        {
            // Jobs, pods and services answer an immediate delete with the deleted object.
            await WriteAsync(ctx, HttpStatusCode.OK, RemoveWithDependents(resource, name) ?? Success(resource, name));
            return;
        }

        // Foreground: the owner stays, marked, until its dependents are gone.
        var marked = State.Update(resource.Plural, name, o =>
        {
            o["metadata"]!["deletionTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            o["metadata"]!["finalizers"] = new JsonArray("foregroundDeletion");
        })!;
        var gate = Volatile.Read(ref foregroundGate).Task;
        _ = Task.Run(async () =>
        {
            await gate;
            RemoveWithDependents(resource, name);
        });
        await WriteAsync(ctx, HttpStatusCode.OK, marked);
    }

    private JsonObject? RemoveWithDependents(FakeResource resource, string name)
    {
        if (State.Get(resource.Plural, name) is not { } owner)
        {
            return null;
        }

        var uid = owner["metadata"]!["uid"]!.GetValue<string>();
        foreach (var pod in State.Where(FakeResource.Pods.Plural, p => p["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => r?["uid"]?.GetValue<string>() == uid)))
        {
            State.Remove(FakeResource.Pods.Plural, pod["metadata"]!["name"]!.GetValue<string>());
        }

        return State.Remove(resource.Plural, name);
    }

    private async Task LogAsync(HttpContext ctx)
    {
        var name = Name(ctx);
        if (State.Get(FakeResource.Pods.Plural, name) is not { } pod)
        {
            await NotFoundAsync(ctx, FakeResource.Pods, name);
            return;
        }

        if (pod["status"]?["phase"]?.GetValue<string>() is null or "Pending")
        {
            await WriteAsync(ctx, HttpStatusCode.BadRequest, Status(HttpStatusCode.BadRequest, "BadRequest", $"container \"main\" in pod \"{name}\" is waiting to start: ContainerCreating"));
            return;
        }

        var follow = ctx.Request.Query["follow"].ToString() == "true";
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        var log = LogOf(name);
        var offset = 0;
        while (true)
        {
            var (text, ended, changed) = log.From(offset);
            offset += text.Length;
            await ctx.Response.WriteAsync(text, ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            if (!follow || ended)
            {
                return;
            }

            await changed.WaitAsync(ctx.RequestAborted);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private static Task NotFoundAsync(HttpContext ctx, FakeResource resource, string name) =>
        WriteAsync(ctx, HttpStatusCode.NotFound, Status(HttpStatusCode.NotFound, "NotFound", $"{resource.Qualified} \"{name}\" not found", resource, name));

    private static async Task WriteEventAsync(HttpContext ctx, string type, JsonObject obj)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
        await ctx.Response.WriteAsync(line, ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    private static Task WriteAsync(HttpContext ctx, HttpStatusCode code, JsonObject body)
    {
        ctx.Response.StatusCode = (int)code;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(body.ToJsonString(), ctx.RequestAborted);
    }

    private static JsonObject Status(HttpStatusCode code, string reason, string message, FakeResource? resource = null, string? name = null) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["details"] = resource is null ? null : new JsonObject { ["name"] = name, ["group"] = resource.Group, ["kind"] = resource.Plural },
        ["code"] = (int)code,
    };

    private static JsonObject Success(FakeResource resource, string name) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = resource.Group, ["kind"] = resource.Plural },
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
