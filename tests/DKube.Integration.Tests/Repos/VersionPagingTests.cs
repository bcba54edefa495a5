using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos;

/// <summary>Versions listings page with <c>limit</c> and <c>cursor</c> like every other listing.</summary>
[Collection(RepoCollection.Name)]
public sealed class VersionPagingTests(RepoFixture fixture)
{
    [Theory]
    [InlineData("datasets")]
    [InlineData("featuresets")]
    [InlineData("models")]
    public async Task Versions_come_in_pages_of_limit_oldest_first_with_a_cursor_until_the_last(string kind)
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post(kind, new { name = fixture.UniqueName("paged") })).Expect(HttpStatusCode.Created)["id"];
            for (var i = 1; i <= 5; i++)
            {
                (await alice.Upload($"{kind}/{id}/versions", Archives.Tar(("v.txt", $"version {i}")))).Expect(HttpStatusCode.Created);
            }

            var seen = new List<int>();
            var pages = 0;
            string? cursor = null;
            do
            {
                var page = (await alice.Get($"{kind}/{id}/versions?limit=2{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}")).Expect(HttpStatusCode.OK);
                Assert.InRange(page.Items.Count, 1, 2);
                seen.AddRange(page.Items.Select(v => v!["version"]!.GetValue<int>()));
                cursor = page.Json["nextCursor"]?.GetValue<string>();
                pages++;
            }
            while (cursor is not null);

            Assert.Equal([1, 2, 3, 4, 5], seen);
            Assert.Equal(3, pages);

            // A page that ends exactly at the last version says there is no more.
            var whole = (await alice.Get($"{kind}/{id}/versions?limit=5")).Expect(HttpStatusCode.OK);
            Assert.Equal(5, whole.Items.Count);
            Assert.Null(whole.Json["nextCursor"]);
            Assert.Equal(5, (await alice.Get($"{kind}/{id}/versions")).Expect(HttpStatusCode.OK).Items.Count);
        }
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=dmVyc2lvbnwtMQ")]
    public async Task A_bad_limit_or_a_cursor_this_server_did_not_issue_is_a_400(string query)
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("datasets", new { name = "bad-paging" })).Expect(HttpStatusCode.Created)["id"];
            (await alice.Get($"datasets/{id}/versions?{query}")).ExpectProblem(HttpStatusCode.BadRequest);
        }
    }
}
