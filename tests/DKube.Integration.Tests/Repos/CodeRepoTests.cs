using System.Net;
using DKube.Abstractions.Repos;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos;

[Collection(RepoCollection.Name)]
public sealed class CodeRepoTests(RepoFixture fixture)
{
    [Theory]
    [InlineData("https://github.com/acme/train.git", "github.com")]
    [InlineData("ssh://git@gitlab.example.com:2222/acme/train.git", "gitlab.example.com")]
    [InlineData("git@bitbucket.org:acme/train.git", "bitbucket.org")]
    public async Task Accepts_the_three_url_forms_and_parses_the_host(string url, string host)
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var repo = (await alice.Post("code", new { name = "train", url, branch = "dev" })).Expect(HttpStatusCode.Created);
            Assert.Equal(host, repo["host"]);
            Assert.Equal("dev", repo["branch"]);
            Assert.Equal(url, (await alice.Get($"code/{repo["id"]}")).Expect(HttpStatusCode.OK)["url"]);
        }
    }

    [Theory]
    [InlineData("ftp://example.com/repo.git")]
    [InlineData("http://github.com/acme/train.git")]
    [InlineData("https://user:hunter2@github.com/acme/train.git")]
    [InlineData("-oProxyCommand=touch /tmp/pwned")]
    [InlineData("git@-oProxyCommand=x:repo")]
    [InlineData("https://github.com")]
    [InlineData("not a url")]
    public async Task Refuses_malformed_or_dangerous_urls_with_400(string url)
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            (await alice.Post("code", new { name = "bad", url })).ExpectProblem(HttpStatusCode.BadRequest);
            Assert.Empty((await alice.Get("code")).Expect(HttpStatusCode.OK).Items);
        }
    }

    [Fact]
    public async Task Resolves_the_latest_commit_of_the_branch_with_git_ls_remote_and_honours_a_pin()
    {
        using var git = new LocalGit();
        var first = git.CommitAndPush("train.py", "print('v1')");
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("code", new { name = "train", url = git.Url })).Expect(HttpStatusCode.Created)["id"];
            Assert.Equal(first, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);

            var second = git.CommitAndPush("train.py", "print('v2')");
            Assert.Equal(second, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);
            Assert.Equal(first, (await alice.Get($"code/{id}/commit?commit={first}")).Expect(HttpStatusCode.OK)["commit"]);

            (await alice.Patch($"code/{id}", new { commit = first })).Expect(HttpStatusCode.OK);
            Assert.Equal(first, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);
            (await alice.Patch($"code/{id}", new { commit = "" })).Expect(HttpStatusCode.OK);
            Assert.Equal(second, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);

            (await alice.Patch($"code/{id}", new { branch = "missing" })).Expect(HttpStatusCode.OK);
            (await alice.Get($"code/{id}/commit")).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        }
    }

    [Fact]
    public async Task Checkout_puts_the_named_commit_in_the_target_folder()
    {
        using var git = new LocalGit();
        var first = git.CommitAndPush("train.py", "print('v1')");
        git.CommitAndPush("train.py", "print('v2')");
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("code", new { name = "train", url = git.Url })).Expect(HttpStatusCode.Created)["id"];
            var resolver = fixture.Service<ICodeResolver>();
            var target = Path.Combine(fixture.DataDir, "checkouts", id);
            await resolver.CheckoutAsync(id, first, target);
            Assert.Equal("print('v1')", await File.ReadAllTextAsync(Path.Combine(target, "train.py")));
            Assert.Equal(first, LocalGit.Run(target, "rev-parse", "HEAD").Trim());
        }
    }

    [Fact]
    public async Task Credentials_show_only_kind_and_username_and_the_last_ones_prefill_the_next_repo()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var created = (await alice.Post("code", new
            {
                name = "private",
                url = "https://git.example.com/acme/private.git",
                credentials = new { kind = "Token", username = "alice", token = "tok-never-shown-1" },
            })).Expect(HttpStatusCode.Created);
            Assert.Equal("Token", created.Json["credentials"]!["kind"]!.ToString());
            Assert.Equal("alice", created.Json["credentials"]!["username"]!.ToString());
            Assert.DoesNotContain("tok-never-shown-1", created.Text, StringComparison.Ordinal);

            var hints = (await alice.Get("code/credentials?host=git.example.com")).Expect(HttpStatusCode.OK);
            Assert.Equal("Token", hints.Items.Single()!["kind"]!.ToString());
            Assert.DoesNotContain("tok-never-shown-1", hints.Text, StringComparison.Ordinal);

            var second = (await alice.Post("code", new { name = "second", url = "git@git.example.com:acme/other.git", useLastCredentials = true }))
                .Expect(HttpStatusCode.Created);
            Assert.Equal("Token", second.Json["credentials"]!["kind"]!.ToString());
            Assert.Equal("alice", second.Json["credentials"]!["username"]!.ToString());

            (await alice.Post("code", new { name = "third", url = "https://elsewhere.example.com/x.git", useLastCredentials = true }))
                .ExpectProblem(HttpStatusCode.UnprocessableEntity);
            (await alice.Post("code", new { name = "fourth", url = "https://git.example.com/x.git", credentials = new { kind = "Password", password = "p" } }))
                .ExpectProblem(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Another_group_gets_404_and_delete_frees_the_name()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using (alice)
        using (bob)
        {
            var id = (await alice.Post("code", new { name = "mine", url = "https://github.com/acme/mine.git" })).Expect(HttpStatusCode.Created)["id"];
            (await bob.Get($"code/{id}")).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Patch($"code/{id}", new { branch = "x" })).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Delete($"code/{id}")).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Get($"code/{id}/commit")).ExpectProblem(HttpStatusCode.NotFound);
            Assert.DoesNotContain(id, (await bob.Get("code")).Items.Strings("id"));

            (await alice.Post("code", new { name = "mine", url = "https://github.com/acme/mine.git" })).ExpectProblem(HttpStatusCode.Conflict);
            (await alice.Delete($"code/{id}")).Expect(HttpStatusCode.NoContent);
            (await alice.Get($"code/{id}")).ExpectProblem(HttpStatusCode.NotFound);
            (await alice.Post("code", new { name = "mine", url = "https://github.com/acme/mine.git" })).Expect(HttpStatusCode.Created);
        }
    }
}
