using DKube.Server;

// `migrate` applies the schema and exits; anything else runs the server in its configured role.
if (args.Length > 0 && args[0] == "migrate")
{
    var configuration = new ConfigurationBuilder().AddEnvironmentVariables("DKUBE_").AddCommandLine(args[1..]).Build();
    var options = DKubeOptions.From(configuration);
    var (connectionString, embedded) = await DatabaseBootstrap.ResolveAsync(options, CancellationToken.None);
    try
    {
        var applied = await DatabaseBootstrap.MigrateAsync(connectionString, CancellationToken.None);
        Console.WriteLine(applied.Count == 0 ? "Schema is up to date." : $"Applied migrations: {string.Join(", ", applied)}");
    }
    finally
    {
        if (embedded is not null)
        {
            await embedded.DisposeAsync();
        }
    }

    return 0;
}

// The server prints its ready banner (URL, token file, API reference, next command) itself.
await using var server = await DKubeServer.StartAsync(args, Console.Out);
await server.App.WaitForShutdownAsync();
return 0;
