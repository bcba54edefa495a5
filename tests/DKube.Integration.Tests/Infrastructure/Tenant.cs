using System.Net;

namespace DKube.Integration.Tests.Infrastructure;

public sealed record Tenant(string Group, string User, ApiClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();

    public Task<Reply> Submit(string name, int gpus, string command = "sleep 600", object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["name"] = name, ["kind"] = "training", ["command"] = command, ["gpus"] = gpus };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }

        return Client.Post("runs", body);
    }

    public Task<string> StatusOf(string id, string path = "runs") => Client.Get($"{path}/{id}").ContinueWith(t => t.Result["status"]);

    public Task<string> WaitForStatus(string id, string status, string path = "runs") =>
        Eventually.Until(() => StatusOf(id, path), s => s == status, what: $"{id} {status}");
}
