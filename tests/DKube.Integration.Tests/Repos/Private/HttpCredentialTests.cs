using System.Net;
using System.Text;
using DKube.Abstractions.Repos;
using DKube.Api.Problems;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos.Private;

/// <summary>
/// Private code repositories reached with a user name and password or a token: git's askpass
/// answers a real Basic-auth challenge from git http-backend (over http:// on loopback, which
/// only the test switch DKUBE_ALLOW_HTTP_GIT_URLS allows; https differs only in the transport).
/// </summary>
[Collection(PrivateRepoCollection.Name)]
public sealed class HttpCredentialTests(PrivateRepoFixture fixture)
{
    public static TheoryData<string, string?, string> Accepted => new()
    {
        { "Password", GitHttpHost.User, GitHttpHost.Password },
        { "Token", null, GitHttpHost.Token },
        { "Token", "ci-bot", GitHttpHost.Token },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task Password_or_token_resolves_the_latest_commit_and_checks_it_out(string kind, string? username, string secret)
    {
        var repo = fixture.Http.NewRepository(fixture.UniqueName("http"));
        var commit = repo.CommitAndPush("train.py", "print('v1')");
        using var alice = await fixture.NewUserAsync();
        var id = (await alice.Post("code", new { name = "private", url = repo.Url, credentials = Credentials(kind, username, secret) }))
            .Expect(HttpStatusCode.Created)["id"];

        Assert.Equal(commit, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);
        var target = Path.Combine(fixture.DataDir, "checkouts", id);
        await fixture.Service<ICodeResolver>().CheckoutAsync(id, commit, target);
        Assert.Equal("print('v1')", await File.ReadAllTextAsync(Path.Combine(target, "train.py")));
    }

    [Fact]
    public async Task A_wrong_password_or_none_is_a_422_access_denied_and_no_secret_leaks()
    {
        var repo = fixture.Http.NewRepository(fixture.UniqueName("http-denied"));
        repo.CommitAndPush("train.py", "print('v1')");
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        using var alice = await fixture.NewUserAsync();
        var answers = new List<string>();

        var bad = (await alice.Post("code", new { name = "wrong", url = repo.Url, credentials = Credentials("Password", GitHttpHost.User, wrong) }))
            .Expect(HttpStatusCode.Created);
        answers.Add(bad.Text);
        var problem = (await alice.Get($"code/{bad["id"]}/commit")).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        answers.Add(problem.Text);
        Assert.Equal(ProblemTypes.For("git-access-denied"), problem["type"]);

        var none = (await alice.Post("code", new { name = "none", url = repo.Url })).Expect(HttpStatusCode.Created);
        Assert.Equal(ProblemTypes.For("git-access-denied"), (await alice.Get($"code/{none["id"]}/commit")).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);

        var good = (await alice.Post("code", new { name = "good", url = repo.Url, credentials = Credentials("Token", null, GitHttpHost.Token) }))
            .Expect(HttpStatusCode.Created);
        answers.Add(good.Text);
        answers.Add((await alice.Get($"code/{good["id"]}/commit")).Expect(HttpStatusCode.OK).Text);
        answers.Add((await alice.Patch($"code/{bad["id"]}", new { credentials = Credentials("Password", GitHttpHost.User, GitHttpHost.Password) })).Expect(HttpStatusCode.OK).Text);
        answers.Add((await alice.Get($"code/{bad["id"]}/commit")).Expect(HttpStatusCode.OK).Text);
        answers.Add((await alice.Get("code")).Text);
        answers.Add((await alice.Get("code/credentials?host=127.0.0.1")).Text);

        var dump = await DatabaseDump.AllRowsAsync(fixture.ConnectionString);
        Assert.Contains(repo.Url, dump, StringComparison.Ordinal);
        foreach (var secret in new[] { wrong, GitHttpHost.Password, GitHttpHost.Token })
        {
            Assert.All(answers, a => Assert.DoesNotContain(secret, a, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, fixture.Log.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(secret)), dump, StringComparison.Ordinal);
        }
    }

    private static object Credentials(string kind, string? username, string secret) => kind == "Password"
        ? new { kind, username, password = secret }
        : new { kind, username, token = secret };
}
