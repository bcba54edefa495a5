using System.Net;
using System.Text;
using DKube.Abstractions.Repos;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos.Private;

/// <summary>Real keys that were really used over ssh leave no trace in API answers, the server's log or the database.</summary>
[Collection(PrivateRepoCollection.Name)]
public sealed class SshSecretTests(PrivateRepoFixture fixture)
{
    [Fact]
    public async Task No_key_material_appears_in_any_answer_the_log_or_the_database_after_real_use()
    {
        var keys = new[]
        {
            await fixture.Host.NewKeyAsync(authorize: true, "-t", "rsa", "-b", "2048", "-m", "PEM"),
            await fixture.Host.NewKeyAsync(authorize: true, "-t", "ed25519"),
            await fixture.Host.NewKeyAsync(authorize: true, "-t", "rsa", "-b", "2048"),
        };
        var refused = await fixture.Host.NewKeyAsync(authorize: false, "-t", "ed25519");
        var repo = fixture.Host.NewRepository(fixture.UniqueName("secret"));
        var commit = repo.CommitAndPush("train.py", "print('v1')");
        using var alice = await fixture.NewUserAsync();
        var answers = new List<string>();
        var ids = new List<string>();
        foreach (var key in keys)
        {
            var created = (await alice.Post("code", new { name = fixture.UniqueName("k"), url = repo.Url, credentials = new { kind = "SshKey", sshKey = key } }))
                .Expect(HttpStatusCode.Created);
            answers.Add(created.Text);
            ids.Add(created["id"]);
            answers.Add((await alice.Get($"code/{created["id"]}/commit")).Expect(HttpStatusCode.OK).Text);
        }

        await fixture.Service<ICodeResolver>().CheckoutAsync(ids[0], commit, Path.Combine(fixture.DataDir, "checkouts", ids[0]));
        answers.Add((await alice.Patch($"code/{ids[1]}", new { credentials = new { kind = "SshKey", sshKey = refused } })).Expect(HttpStatusCode.OK).Text);
        answers.Add((await alice.Get($"code/{ids[1]}/commit")).ExpectProblem(HttpStatusCode.UnprocessableEntity).Text);
        answers.Add((await alice.Post("code", new { name = "last", url = repo.Url, useLastCredentials = true })).Expect(HttpStatusCode.Created).Text);
        answers.Add((await alice.Get("code")).Text);
        answers.Add((await alice.Get($"code/{ids[2]}")).Text);
        answers.Add((await alice.Get("code/credentials?host=127.0.0.1")).Text);

        var dump = await DatabaseDump.AllRowsAsync(fixture.ConnectionString);
        var log = fixture.Log.Text;
        Assert.Contains(repo.Url, dump, StringComparison.Ordinal);
        Assert.NotEmpty(log);
        foreach (var fragment in keys.Append(refused).SelectMany(Fragments))
        {
            Assert.All(answers, a => Assert.DoesNotContain(fragment, a, StringComparison.Ordinal));
            Assert.DoesNotContain(fragment, log, StringComparison.Ordinal);
            Assert.DoesNotContain(fragment, dump, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(fragment)), dump, StringComparison.Ordinal);
        }
    }

    /// <summary>The whole key and each of its base64 lines: any one of them in the clear is a leak.</summary>
    private static IEnumerable<string> Fragments(string key) =>
        key.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith("-----", StringComparison.Ordinal))
            .Append(key.Trim());
}
