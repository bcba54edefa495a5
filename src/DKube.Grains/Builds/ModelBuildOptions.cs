namespace DKube.Grains.Builds;

/// <summary>The image builds' switches (README: <c>DKUBE_BUILD_*</c>).</summary>
public sealed class ModelBuildOptions
{
    /// <summary>The registry images are pushed to (<c>host[:port]</c>); null: builds are refused (422 <c>no-registry</c>).</summary>
    public string? Registry { get; set; }

    /// <summary>Credentials for <see cref="Registry"/> only: never sent to another host, never written into an image.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Whether the registry's TLS certificate is checked; off for a plain-http registry (development, tests).</summary>
    public bool TlsVerify { get; set; } = true;

    /// <summary>The image a build starts from when the request names none; <c>scratch</c> is an empty one.</summary>
    public string BaseImage { get; set; } = "scratch";

    /// <summary>buildah's storage driver: <c>vfs</c> needs neither fuse nor overlay support in the kernel.</summary>
    public string StorageDriver { get; set; } = "vfs";

    /// <summary>The buildah program.</summary>
    public string Buildah { get; set; } = "buildah";

    /// <summary>buildah's image storage (base images are kept there between builds).</summary>
    public string StorageRoot { get; set; } = Path.Combine(Path.GetTempPath(), "dkube-builds", "storage");

    /// <summary>Where each build's context (the model files, the runtime, the Containerfile) is assembled, removed afterwards.</summary>
    public string WorkRoot { get; set; } = Path.Combine(Path.GetTempPath(), "dkube-builds", "work");

    /// <summary>How long one build (assembling and pushing) may take before it fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The sklearn model server copied into the image (the one replicas run).</summary>
    public string SklearnServer { get; set; } = Path.Combine(AppContext.BaseDirectory, "runtimes", "sklearn", "server.py");

    /// <summary>How often an unfinished build's reminder takes it up again after a restart.</summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);
}
