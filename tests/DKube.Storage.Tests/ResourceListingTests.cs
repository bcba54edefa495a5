using System.Text.Json;
using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;
using DKube.Storage.Migrations;
using DKube.Storage.ReadModel;
using DKube.Testing;
using Npgsql;

namespace DKube.Storage.Tests;

/// <summary>
/// Listings of the read model on a real PostgreSQL: every scope sees exactly the rows the visibility
/// rule allows (owner, group members, operators), once each, in creation order across pages, with the
/// project and group filters; and each row's body comes back as the JSON text that was stored.
/// </summary>
public sealed class ResourceListingTests : IAsyncLifetime
{
    private const string Kind = "run";
    private static readonly string[] Owners = ["ann", "bob", "cid"];
    private static readonly string[] Groups = ["g1", "g2", "g3"];
    private static readonly string?[] Projects = ["p1", "p2", null];
    private readonly List<(string Id, string Owner, string Group, string? Project, DateTimeOffset Created)> _rows = [];
    private NpgsqlDataSource _db = null!;
    private PostgresResourceDirectory _directory = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.NewDatabaseAsync();
        await MigrationRunner.MigrateAsync(connectionString);
        _db = NpgsqlDataSource.Create(connectionString);
        _directory = new PostgresResourceDirectory(_db);

        // 120 runs over every owner x group x project, some sharing a creation instant (the id breaks the tie),
        // and the newest 30 all of one new owner in one new group: the rows a new tenant sees are the last.
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 90; i++)
        {
            _rows.Add(($"r-{i:D3}", Owners[i % 3], Groups[i / 3 % 3], Projects[i / 9 % 3], start.AddSeconds(i / 2)));
        }

        for (var i = 90; i < 120; i++)
        {
            _rows.Add(($"r-{i:D3}", "new", "gnew", "p1", start.AddSeconds(i)));
        }

        await using var command = _db.CreateCommand("""
            INSERT INTO dkube_resources (kind, id, name, owner, group_name, project, status, created_at, body)
            SELECT @kind, i, i, o, g, p, 'Succeeded', c, jsonb_build_object('id', i, 'owner', o, 'group', g, 'note', 'a "quoted" ü')
            FROM unnest(@id, @owner, @group, @project, @created) AS t(i, o, g, p, c)
            """);
        command.Parameters.AddWithValue("kind", Kind);
        command.Parameters.AddWithValue("id", _rows.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("owner", _rows.Select(r => r.Owner).ToArray());
        command.Parameters.AddWithValue("group", _rows.Select(r => r.Group).ToArray());
        command.Parameters.Add(new NpgsqlParameter("project", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = _rows.Select(r => r.Project).ToArray() });
        command.Parameters.AddWithValue("created", _rows.Select(r => r.Created).ToArray());
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    public static TheoryData<string, string[], bool, Scope, string?, string?> Callers() => new()
    {
        // Ann in g1 and g2: her own runs (in any group) and the others' runs of g1 and g2.
        { "ann", ["g1", "g2"], false, Scope.All, null, null },
        { "ann", ["g1", "g2"], false, Scope.Mine, null, null },
        { "ann", ["g1", "g2"], false, Scope.Shared, null, null },
        { "ann", ["g1", "g2"], false, Scope.All, "p1", null },
        { "ann", ["g1", "g2"], false, Scope.Shared, "p2", null },
        { "ann", ["g1", "g2"], false, Scope.All, null, "g2" },
        // Bob in no group: his own runs only.
        { "bob", [], false, Scope.All, null, null },
        // The new tenant: its runs are the newest rows of the table.
        { "new", ["gnew"], false, Scope.All, null, null },
        { "cid", ["gnew", "g3"], false, Scope.All, null, null },
        // More groups than get a branch each: one branch over all of them.
        { "cid", [.. Groups, .. Enumerable.Range(0, 20).Select(i => $"x{i}")], false, Scope.All, null, null },
        { "cid", [.. Groups, .. Enumerable.Range(0, 20).Select(i => $"x{i}")], false, Scope.Shared, "p1", null },
        // The operator sees everything with scope all; mine and shared stay his own view.
        { "op", ["g3"], true, Scope.All, null, null },
        { "op", ["g3"], true, Scope.Shared, null, null },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Every_page_walk_sees_exactly_the_visible_rows_once_in_creation_order(
        string name, string[] groups, bool isOperator, Scope scope, string? project, string? group)
    {
        var caller = new Caller(name, isOperator ? [Roles.Operator] : [Roles.DataScientist], groups);
        var expected = _rows
            .Where(r => scope switch
            {
                Scope.Mine => r.Owner == name,
                Scope.Shared => r.Owner != name && groups.Contains(r.Group),
                _ => isOperator || r.Owner == name || groups.Contains(r.Group),
            })
            .Where(r => project is null || r.Project == project)
            .Where(r => group is null || r.Group == group)
            .OrderBy(r => r.Created).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => r.Id).ToList();
        Assert.NotEmpty(expected);

        foreach (var limit in new[] { 1, 7, 500 })
        {
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var page = await _directory.ListAsync(Kind, caller, new ListQuery(scope, project, limit, cursor, group), CancellationToken.None);
                Assert.InRange(page.Items.Count, 0, limit);
                seen.AddRange(page.Items.Select(item => JsonDocument.Parse(item.Text).RootElement.GetProperty("id").GetString()!));
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            Assert.Equal(expected, seen);
        }
    }

    [Fact]
    public async Task A_rows_body_is_written_into_the_answer_as_the_JSON_it_was_stored_as()
    {
        var page = await _directory.ListAsync(Kind, new Caller("bob", [Roles.DataScientist], []), new ListQuery(Scope.Mine, null, 2, null), CancellationToken.None);

        var answer = JsonSerializer.Serialize(new { items = page.Items, nextCursor = page.NextCursor });

        var items = JsonDocument.Parse(answer).RootElement.GetProperty("items");
        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal(("r-001", "bob", "a \"quoted\" ü"),
            (items[0].GetProperty("id").GetString(), items[0].GetProperty("owner").GetString(), items[0].GetProperty("note").GetString()));
        Assert.Equal("r-004", items[1].GetProperty("id").GetString());
        // And read back into a RawJson (a client of the same contract), the same value again.
        var again = JsonSerializer.Deserialize<RawJson[]>(items.GetRawText())!;
        Assert.Equal("r-004", JsonDocument.Parse(again[1].Text).RootElement.GetProperty("id").GetString());
    }
}
