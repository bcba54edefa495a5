using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Grains.Persistence;
using DKube.Storage.Versions;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Builds;

/// <summary>
/// The image build of one model version and runtime: accepted (stored, with a reminder) before the
/// caller is answered, then run on this silo off the grain's turns: the version is written out with
/// the runtime beside it, buildah builds and pushes, and the pushed image (by digest) joins the image
/// catalog of the build's owner. A silo that dies mid-build loses nothing acknowledged: the reminder
/// (or the next read) activates the grain again and the build starts over; pushing the same content
/// again is harmless.
/// </summary>
public sealed class ModelBuildGrain(
    [PersistentState("model-build")] IPersistentState<ModelBuildState> state,
    ModelBuildOptions options,
    BuildahImageBuilder builder,
    IDataVersions versions,
    IBlobStore blobs,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<ModelBuildGrain> logger) : Grain, IModelBuildGrain, IRemindable
{
    private const string Reminder = "build";

    private CoalescedWriter? _writer;
    private Task? _running;
    private BuildLog? _log;

    // Ends this activation's attempt (and its buildah) when the grain deactivates: a silo shutting
    // down must not race the activation that takes the build up elsewhere.
    private readonly CancellationTokenSource _deactivated = new();

    private string Id => this.GetPrimaryKeyString();

    private ModelBuildView View => state.State.View ?? throw DomainException.NotFound("Build", Id);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // After a restart (activated by the reminder or a read) an unfinished build starts over.
        if (state.State.View is { Ended: false })
        {
            Launch();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivated.Cancel();
        return Task.CompletedTask;
    }

    public async Task<ModelBuildView> Start(ModelBuildRequest request)
    {
        var (registry, repository, tag, baseImage) = Target(request);
        var image = $"{registry}/{repository}:{tag}";
        if (state.State.View is { } existing && (!existing.Ended || existing.Status == ModelBuildStatus.Pushed || _running is not null))
        {
            // One build per version and runtime: the same request answers it; another target is a conflict, not a second build.
            return existing.Image == image && existing.BaseImage == baseImage
                ? existing
                : throw DomainException.Conflict("already-exists",
                    $"Version {request.Version} of model '{request.ModelName}' already has a {request.Runtime} build ({existing.Image} from {existing.BaseImage}).");
        }

        var version = await grains.GetGrain<IDataRepoGrain>(request.ModelId).GetVersion(request.Version)
            ?? throw DomainException.NotFound("Version", $"{request.ModelId}/{request.Version}");
        await RequireModelFileAsync(version);
        var now = time.GetUtcNow();
        state.State.View = new ModelBuildView(Id, request.ModelId, request.ModelName, request.Version, request.Runtime, ModelBuildStatus.Pending,
            image, baseImage, null, null, null, null, [], (state.State.View?.Attempt ?? 0) + 1, request.Owner, request.Group, request.Project,
            state.State.View?.CreatedAt ?? now, now);
        await Writer.WriteAsync();
        await this.RegisterOrUpdateReminder(Reminder, options.ResumePeriod, options.ResumePeriod);
        // The answer is what was stored (Pending): the attempt changes the view as soon as it begins.
        var accepted = View;
        Launch();
        return accepted;
    }

    public async Task<ModelBuildView?> Get()
    {
        // Never ahead of storage: an end a reader sees is one a restart keeps.
        await Writer.StoredAsync();
        return state.State.View is { Ended: false } view && _log is { } log ? view with { Log = log.Lines() } : state.State.View;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.View is { Ended: false })
        {
            Launch();
        }
        else
        {
            await UnregisterAsync();
        }
    }

    /// <summary>Resolves where the image goes: the server's registry only (its credentials go nowhere else), a base it may pull.</summary>
    private (string Registry, string Repository, string Tag, string BaseImage) Target(ModelBuildRequest request)
    {
        var registry = options.Registry
            ?? throw DomainException.Unprocessable("no-registry", "This server has no build registry (DKUBE_BUILD_REGISTRY).");
        if (request.Registry is not null && !string.Equals(request.Registry, registry, StringComparison.OrdinalIgnoreCase))
        {
            throw DomainException.Unprocessable("registry-not-allowed", $"Images are pushed to this server's registry '{registry}' only.");
        }

        var baseImage = request.BaseImage ?? options.BaseImage;
        if (baseImage != "scratch" && baseImage != options.BaseImage && !baseImage.StartsWith(registry + "/", StringComparison.OrdinalIgnoreCase))
        {
            throw DomainException.Unprocessable("base-image-not-allowed",
                $"A base image must be 'scratch', the server's default ({options.BaseImage}) or an image of '{registry}'.");
        }

        return (registry, request.Repository ?? $"dkube/{request.ModelName}", request.Tag ?? $"v{request.Version}", baseImage);
    }

    private async Task RequireModelFileAsync(VersionView version)
    {
        var manifest = await VersionManifest.LoadAsync(blobs, version.Digest, CancellationToken.None);
        if (!manifest.Entries.Any(e => e.Type == EntryType.File && ModelImageContext.SklearnModelFiles.Contains(e.Path)))
        {
            throw DomainException.Unprocessable("no-model-file",
                $"Version {version.Version} holds no {string.Join(" or ", ModelImageContext.SklearnModelFiles)} at its top level, which the sklearn runtime loads.");
        }
    }

    private CoalescedWriter Writer => _writer ??= new CoalescedWriter(() => state.WriteStateAsync(), DeactivateOnIdle);

    private void Launch()
    {
        if (_running is null)
        {
            _log = new BuildLog();
            _running = RunAsync(_log);
        }
    }

    /// <summary>One attempt, on the grain's scheduler: its writes interleave with reads, never with another attempt.</summary>
    private async Task RunAsync(BuildLog log)
    {
        var build = View;
        // A folder of this launch alone: an attempt resumed after a restart never shares (or deletes)
        // the folder of the same attempt still winding down in the process that stopped.
        var context = Path.Combine(options.WorkRoot, $"{Id}-{build.Attempt}-{Guid.NewGuid():N}");
        RemoveAbandonedFolders();
        try
        {
            await SaveAsync(View with { Status = ModelBuildStatus.Building, UpdatedAt = time.GetUtcNow() });
            var version = await grains.GetGrain<IDataRepoGrain>(build.Model).GetVersion(build.Version)
                ?? throw new ImageBuildException($"version {build.Version} of model {build.ModelName} no longer exists.");
            await versions.MaterializeAsync(RepoKind.Model, build.Model, build.Version, Path.Combine(context, ModelImageContext.ModelFolder), _deactivated.Token);
            var containerfile = ModelImageContext.Write(context, build, version, options.SklearnServer);
            var digest = await builder.BuildAndPushAsync(context, containerfile, $"localhost/dkube-build/{Id}:{build.Attempt}", build.Image, log, _deactivated.Token);
            var pinned = $"{build.Image[..build.Image.LastIndexOf(':')]}@{digest}";
            var catalog = await RegisterImageAsync(build, $"{build.Image}@{digest}");
            await EndAsync(View with
            {
                Status = ModelBuildStatus.Pushed, Digest = digest, ImageDigestReference = pinned, CatalogImage = catalog,
                Log = log.Lines(), UpdatedAt = time.GetUtcNow(),
            });
            logger.LogInformation("Build {Build} pushed {Image}", Id, pinned);
        }
        catch (Exception e) when (e is ImageBuildException or DomainException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            logger.LogWarning("Build {Build} failed: {Reason}", Id, e.Message);
            await EndAsync(View with { Status = ModelBuildStatus.Failed, Reason = e.Message, Log = log.Lines(), UpdatedAt = time.GetUtcNow() });
        }
        catch (Exception e)
        {
            // Storage or the cluster away: the reminder takes the build up again.
            logger.LogWarning(e, "Build {Build} interrupted; the reminder resumes it", Id);
            _running = null;
        }
        finally
        {
            TryDelete(context);
        }
    }

    /// <summary>The pushed image in the catalog of the build's owner and group (a name of its own; another suffix when taken).</summary>
    private async Task<string> RegisterImageAsync(ModelBuildView build, string url)
    {
        var id = ResourceIds.Derive("im", "model-build", build.Id);
        var image = grains.GetGrain<IImageGrain>(id);
        var name = Trim($"{build.ModelName}-v{build.Version}");
        var description = $"Model {build.ModelName} version {build.Version} with the {build.Runtime} runtime (build {build.Id}).";
        if (await image.Get() is { } known)
        {
            // A retried attempt after an earlier one registered: the entry must name this push.
            if (known.Url == url)
            {
                return id;
            }

            await image.Delete();
        }

        try
        {
            await image.Create(new ImageSpec(name, build.Owner, build.Group, build.Project, url, description, null));
        }
        catch (DomainException e) when (e.Code == "name-taken")
        {
            await image.Create(new ImageSpec(Trim($"{build.ModelName}-v{build.Version}-{build.Runtime}-{build.Attempt}"), build.Owner, build.Group, build.Project, url, description, null));
        }

        return id;
    }

    private static string Trim(string name) => name.Length <= 63 ? name : name[..63].TrimEnd('-');

    private async Task SaveAsync(ModelBuildView view)
    {
        state.State.View = view;
        await Writer.WriteAsync();
    }

    /// <summary>The attempt's end: stored, then the reminder goes (a new attempt may have begun meanwhile: it keeps it).</summary>
    private async Task EndAsync(ModelBuildView view)
    {
        _running = null;
        await SaveAsync(view);
        if (state.State.View is { Ended: true })
        {
            await UnregisterAsync();
        }
    }

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>
    /// Folders of this build left by a process killed mid-build: older than the build timeout, no
    /// attempt can still be using them.
    /// </summary>
    private void RemoveAbandonedFolders()
    {
        if (!Directory.Exists(options.WorkRoot))
        {
            return;
        }

        var cutoff = DateTime.UtcNow - options.Timeout;
        foreach (var folder in Directory.EnumerateDirectories(options.WorkRoot, $"{Id}-*"))
        {
            if (Directory.GetLastWriteTimeUtc(folder) < cutoff)
            {
                TryDelete(folder);
            }
        }
    }

    private void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not remove the build folder {Folder}: {Reason}", folder, e.Message);
        }
    }
}
