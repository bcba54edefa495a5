using System.Net;

namespace DKube.Integration.Tests.Repos;

[Collection(RepoCollection.Name)]
public sealed class OpenApiTests(RepoFixture fixture)
{
    [Fact]
    public async Task The_openapi_document_describes_the_repository_endpoints()
    {
        using var op = fixture.Operator;
        var paths = (await op.Get("/openapi/v1.json")).Expect(HttpStatusCode.OK).Json["paths"]!.AsObject();
        foreach (var path in new[]
        {
            "/api/v1/code", "/api/v1/code/{id}", "/api/v1/code/credentials", "/api/v1/datasets/{id}/versions",
            "/api/v1/models/{id}/versions/{version}/lineage", "/api/v1/models/{id}/compare", "/api/v1/featuresets/{id}/spec", "/api/v1/images",
        })
        {
            Assert.True(paths.ContainsKey(path) || paths.ContainsKey(path + "/"), $"{path} is not in the OpenAPI document.");
        }
    }

    [Fact]
    public async Task Submissions_document_their_idempotency_key_header()
    {
        using var op = fixture.Operator;
        var paths = (await op.Get("/openapi/v1.json")).Expect(HttpStatusCode.OK).Json["paths"]!.AsObject();
        foreach (var path in new[] { "/api/v1/runs", "/api/v1/ides" })
        {
            var parameters = (paths[path] ?? paths[path + "/"])!["post"]!["parameters"]!.AsArray();
            Assert.Contains(parameters, p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");
        }
    }
}
