namespace DKube.Executors.Tests.Local;

public sealed class LocalExecutorValidationTests : IAsyncLifetime
{
    private readonly LocalHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_command_is_rejected(string command)
    {
        var executor = _harness.NewExecutor();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => executor.SubmitAsync(LocalHarness.Spec(command), CancellationToken.None));

        Assert.Contains("empty command", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData(".hidden")]
    [InlineData("..")]
    [InlineData("")]
    public async Task An_id_that_is_not_a_plain_folder_name_is_rejected(string id)
    {
        var executor = _harness.NewExecutor();

        await Assert.ThrowsAsync<ArgumentException>(() => executor.SubmitAsync(LocalHarness.Spec("exit 0", id: id), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => executor.StopAsync(id, TimeSpan.Zero, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => executor.ReconcileAsync([id], CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_harness.Root));
    }

    [Fact]
    public async Task Hyperparameters_that_are_not_json_are_rejected()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("exit 0", backendOptions: new Dictionary<string, string> { ["hyperparameters.json"] = "{lr: oops" });

        await Assert.ThrowsAsync<ArgumentException>(() => executor.SubmitAsync(spec, CancellationToken.None));
    }

    [Theory]
    [InlineData("/data", "../outside")]
    [InlineData("relative/source", "data")]
    [InlineData("/data", ".dkube/pid")]
    [InlineData("/data", "/")]
    public async Task A_mount_outside_the_working_folder_or_over_the_executors_files_is_rejected(string source, string mountPath)
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("exit 0", mounts: [new VolumeMount(source, mountPath, ReadOnly: false)]);

        await Assert.ThrowsAsync<ArgumentException>(() => executor.SubmitAsync(spec, CancellationToken.None));
    }
}
