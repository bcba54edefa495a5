using System.Net;
using System.Text;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos;

/// <summary>Credentials are sealed at rest with a key kept outside the database, and never come back out of the API.</summary>
[Collection(RepoCollection.Name)]
public sealed class SecretSecurityTests(RepoFixture fixture)
{
    [Fact]
    public async Task No_credential_appears_in_any_api_answer_or_anywhere_in_the_database()
    {
        var token = "tok-" + Guid.NewGuid().ToString("N");
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var sshKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nssh-" + Guid.NewGuid().ToString("N") + "\n-----END OPENSSH PRIVATE KEY-----";
        var imagePassword = "img-" + Guid.NewGuid().ToString("N");
        var secrets = new[] { token, password, "ssh-" + sshKey.Split('\n')[1][4..], imagePassword };
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var answers = new List<string>();
            answers.Add((await alice.Post("code", new { name = "t", url = "https://h1.example.com/a.git", credentials = new { kind = "Token", token } })).Expect(HttpStatusCode.Created).Text);
            answers.Add((await alice.Post("code", new { name = "p", url = "https://h2.example.com/a.git", credentials = new { kind = "Password", username = "me", password } })).Expect(HttpStatusCode.Created).Text);
            var keyed = (await alice.Post("code", new { name = "k", url = "git@h3.example.com:a.git", credentials = new { kind = "SshKey", sshKey } })).Expect(HttpStatusCode.Created);
            answers.Add(keyed.Text);
            answers.Add((await alice.Post("code", new { name = "k2", url = "git@h3.example.com:b.git", useLastCredentials = true })).Expect(HttpStatusCode.Created).Text);
            answers.Add((await alice.Patch($"code/{keyed["id"]}", new { credentials = new { kind = "Token", token } })).Expect(HttpStatusCode.OK).Text);
            answers.Add((await alice.Post("images", new { name = "i", url = "r.example.com/i:1", credentials = new { kind = "Token", token = imagePassword } })).Expect(HttpStatusCode.Created).Text);
            answers.Add((await alice.Get("code")).Text);
            answers.Add((await alice.Get($"code/{keyed["id"]}")).Text);
            answers.Add((await alice.Get("images")).Text);
            // A URL moved to another host drops the credentials; moved back with new ones, they are sealed again.
            answers.Add((await alice.Patch($"code/{keyed["id"]}", new { url = "git@h4.example.com:a.git" })).Expect(HttpStatusCode.OK).Text);
            answers.Add((await alice.Patch($"code/{keyed["id"]}", new { url = "git@h3.example.com:a.git", credentials = new { kind = "SshKey", sshKey } })).Expect(HttpStatusCode.OK).Text);
            foreach (var host in new[] { "h1.example.com", "h2.example.com", "h3.example.com" })
            {
                answers.Add((await alice.Get($"code/credentials?host={host}")).Text);
            }

            var dump = await DatabaseDump.AllRowsAsync(fixture.ConnectionString);
            var key = await File.ReadAllTextAsync(Path.Combine(fixture.DataDir, "secrets.key"));
            // The database's own password is a credential too: in no table, answer or log line.
            var databasePassword = new Npgsql.NpgsqlConnectionStringBuilder(fixture.ConnectionString).Password!;
            Assert.False(string.IsNullOrEmpty(databasePassword));
            var log = fixture.Log.Text;
            foreach (var secret in secrets.Append(key.Trim()).Append(databasePassword))
            {
                Assert.All(answers, a => Assert.DoesNotContain(secret, a, StringComparison.Ordinal));
                Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
                Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(secret)), dump, StringComparison.Ordinal);
                Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), dump, StringComparison.Ordinal);
            }

            // The dump did see the repositories: the search looked in the right place.
            Assert.Contains("h3.example.com", dump, StringComparison.Ordinal);
            // ...and the log saw the requests that carried them (ASP.NET Core logs each at Information).
            Assert.Contains("/api/v1/code", log, StringComparison.Ordinal);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_secrets_key_file_is_readable_by_its_owner_only()
    {
        var mode = File.GetUnixFileMode(Path.Combine(fixture.DataDir, "secrets.key"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }
}
