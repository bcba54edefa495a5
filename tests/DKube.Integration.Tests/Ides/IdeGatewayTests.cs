using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Ides;

/// <summary>
/// A real Jupyter server (Debian's jupyter-notebook, started by the IDE's default command as the
/// user's sandbox account) reached only through the gateway: the page, its REST API and a kernel's
/// WebSocket, for the IDE's owner and group and nobody else.
/// </summary>
public sealed class IdeGatewayTests(LabFixture lab) : IClassFixture<LabFixture>
{
    [Fact]
    public async Task A_browser_signed_in_by_open_runs_1_plus_1_in_a_kernel_over_the_gateways_websocket()
    {
        Assert.True(File.Exists("/usr/bin/jupyter-notebook"), "Debian's jupyter-notebook package is needed (.ci/run installs it)");
        using var alice = await lab.NewTenantAsync();
        var id = (await alice.Client.Post("ides", new { name = "lab", ide = "jupyterlab", gpus = 0 })).Expect(HttpStatusCode.Created)["id"];
        var ide = await Eventually.Until(() => alice.Client.Get($"ides/{id}"), r => r.Json["endpoint"] is not null, what: $"{id} to run");
        Assert.Equal("Running", ide["status"]);

        // A browser: cookies only, no Authorization header after open.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = lab.Server.Server.Url };
        using var open = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/ides/{id}/open");
        open.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Client.Token);
        var opened = JsonNode.Parse(await (await browser.SendAsync(open)).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        var url = new Uri(opened["url"]!.ToString());
        Assert.Equal($"/ides/{id}/lab/", url.AbsolutePath);

        // The server may still be starting: the gateway says 503 until it answers.
        var tree = await Eventually.Until(() => browser.GetAsync(new Uri(url, "tree")), r => r.StatusCode == HttpStatusCode.OK, what: "the notebook page");
        Assert.Contains($"/ides/{id}/lab/static/", await tree.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var xsrf = cookies.GetCookies(url)["_xsrf"]?.Value ?? throw new InvalidOperationException("Jupyter set no _xsrf cookie");

        using var start = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "api/kernels")) { Content = new StringContent("{\"name\":\"python3\"}", Encoding.UTF8, "application/json") };
        start.Headers.Add("X-XSRFToken", xsrf);
        var kernel = JsonNode.Parse(await (await browser.SendAsync(start)).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["id"]!.ToString();

        var result = await ExecuteAsync(new Uri(url, $"api/kernels/{kernel}/channels?session_id={Guid.NewGuid():N}"), cookies, "1+1");
        Assert.Equal("2", result);

        (await alice.Client.Post($"ides/{id}/stop")).Expect(HttpStatusCode.OK);
        await alice.WaitForStatus(id, "Stopped", "ides");
        Assert.Equal(HttpStatusCode.Conflict, (await browser.GetAsync(new Uri(url, "api"))).StatusCode);
    }

    [Fact]
    public async Task Only_the_ides_owner_and_group_get_through_the_gateway_others_get_404_and_no_token_401()
    {
        using var alice = await lab.NewTenantAsync();
        using var mallory = await lab.NewTenantAsync();
        var bob = await MemberOfAsync(alice.Group);
        var id = (await alice.Client.Post("ides", new { name = "lab", ide = "jupyterlab", gpus = 0 })).Expect(HttpStatusCode.Created)["id"];
        await Eventually.Until(() => alice.Client.Get($"ides/{id}"), r => r.Json["endpoint"] is not null, what: $"{id} to run");
        using var http = new HttpClient { BaseAddress = lab.Server.Server.Url };

        var owner = await Eventually.Until(() => GetAsync(http, $"/ides/{id}/lab/api", alice.Client.Token), r => r.StatusCode == HttpStatusCode.OK, what: "Jupyter's API");
        var member = await GetAsync(http, $"/ides/{id}/lab/api", bob);
        var stranger = await GetAsync(http, $"/ides/{id}/lab/api", mallory.Client.Token);
        var strangerOpen = await GetAsync(http, $"/api/v1/ides/{id}/open", mallory.Client.Token);
        var anonymous = await GetAsync(http, $"/ides/{id}/lab/api", null);
        var forged = await GetAsync(http, $"/ides/{id}/lab/api", "dkt_not_a_token");
        var unknown = await GetAsync(http, "/ides/i-000000000000/lab/api", alice.Client.Token);

        Assert.Contains("\"version\"", await owner.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal("application/problem+json", stranger.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, strangerOpen.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        (await alice.Client.Post($"ides/{id}/stop")).Expect(HttpStatusCode.OK);
    }

    private async Task<string> MemberOfAsync(string group)
    {
        var name = lab.Server.UniqueName("m");
        using var op = lab.Server.Operator;
        var token = (await op.Post("users", new { name })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{name}")).Expect(HttpStatusCode.OK);
        return token;
    }

    /// <summary>A GET with the bearer token (none when null), as a script reaches the gateway.</summary>
    internal static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    /// <summary>One execute_request on the kernel's channels WebSocket (Jupyter's messaging protocol 5.3); the execute_result's text.</summary>
    private static async Task<string> ExecuteAsync(Uri channels, CookieContainer cookies, string code)
    {
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        // What a browser sends: its page's origin, which the server checks against the Host it is given.
        socket.Options.SetRequestHeader("Origin", channels.GetLeftPart(UriPartial.Authority));
        var ws = new UriBuilder(channels) { Scheme = "ws" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await socket.ConnectAsync(ws, timeout.Token);

        var messageId = Guid.NewGuid().ToString("N");
        var request = new JsonObject
        {
            ["header"] = new JsonObject
            {
                ["msg_id"] = messageId, ["username"] = "test", ["session"] = Guid.NewGuid().ToString("N"),
                ["msg_type"] = "execute_request", ["version"] = "5.3", ["date"] = DateTimeOffset.UtcNow.ToString("O"),
            },
            ["parent_header"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["content"] = new JsonObject
            {
                ["code"] = code, ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(),
                ["allow_stdin"] = false, ["stop_on_error"] = true,
            },
            ["channel"] = "shell",
            ["buffers"] = new JsonArray(),
        };
        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);

        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, part.Count);
            }
            while (!part.EndOfMessage);

            if (part.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("The kernel's WebSocket closed before the result.");
            }

            var reply = JsonNode.Parse(message.ToArray())!;
            if (reply["parent_header"]?["msg_id"]?.ToString() != messageId)
            {
                continue;
            }

            switch (reply["msg_type"]?.ToString() ?? reply["header"]?["msg_type"]?.ToString())
            {
                case "execute_result":
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                    return reply["content"]!["data"]!["text/plain"]!.ToString();
                case "error":
                    throw new InvalidOperationException("The kernel answered an error: " + reply["content"]);
            }
        }
    }
}
