using System.Globalization;
using System.Text;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;

namespace DKube.Grains.Builds;

/// <summary>
/// The build context of a model image: the version's files under <c>model/</c>, the runtime under
/// <c>runtime/</c>, and a Containerfile that only copies them and sets metadata. The user's files
/// are data here: no instruction runs anything, and none of them is read as an instruction.
/// </summary>
public static class ModelImageContext
{
    /// <summary>Where the model version is in the image (its <c>DKUBE_MODEL_DIR</c>).</summary>
    public const string ModelDir = "/opt/dkube/model";

    /// <summary>Where the runtime's server is in the image.</summary>
    public const string RuntimeDir = "/opt/dkube/runtime";

    /// <summary>The port the image's server listens on (<c>PORT</c>, overridable at run time).</summary>
    public const int Port = 8080;

    public const string ModelFolder = "model";

    /// <summary>Files the sklearn runtime loads, one of which a version must hold at its top level.</summary>
    public static readonly IReadOnlyList<string> SklearnModelFiles = ["model.joblib", "model.pkl"];

    /// <summary>Copies the runtime beside the model files and writes the Containerfile; returns its path.</summary>
    public static string Write(string context, ModelBuildView build, VersionView version, string runtimeServer)
    {
        var runtime = Directory.CreateDirectory(Path.Combine(context, "runtime")).FullName;
        File.Copy(runtimeServer, Path.Combine(runtime, "server.py"));
        var containerfile = Path.Combine(context, "Containerfile");
        File.WriteAllText(containerfile, Containerfile(build, version));
        return containerfile;
    }

    public static string Containerfile(ModelBuildView build, VersionView version)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["org.opencontainers.image.title"] = build.ModelName,
            ["org.opencontainers.image.version"] = Number(build.Version),
            ["org.opencontainers.image.description"] = $"DKube model {build.ModelName} version {Number(build.Version)}, runtime {build.Runtime}",
            ["io.dkube.build"] = build.Id,
            ["io.dkube.model.id"] = build.Model,
            ["io.dkube.model.name"] = build.ModelName,
            ["io.dkube.model.version"] = Number(build.Version),
            ["io.dkube.model.digest"] = version.Digest,
            ["io.dkube.runtime"] = build.Runtime,
        };
        if (build.BaseImage != "scratch")
        {
            labels["org.opencontainers.image.base.name"] = build.BaseImage;
        }

        if (version.Lineage is { } lineage)
        {
            labels["io.dkube.lineage.run"] = lineage.RunId;
            Add(labels, "io.dkube.lineage.code", lineage.CodeRepo);
            Add(labels, "io.dkube.lineage.commit", lineage.Commit);
            Add(labels, "io.dkube.lineage.image", lineage.Image);
        }

        var text = new StringBuilder();
        text.Append("FROM ").Append(build.BaseImage).Append('\n');
        text.Append($"COPY {ModelFolder}/ {ModelDir}/\n");
        text.Append($"COPY runtime/server.py {RuntimeDir}/server.py\n");
        text.Append($"ENV DKUBE_MODEL_DIR={ModelDir} DKUBE_MODEL_NAME={Quote(build.ModelName)} DKUBE_BIND_ADDRESS=0.0.0.0 PORT={Number(Port)}\n");
        text.Append("LABEL ").AppendJoin(" \\\n      ", labels.Select(l => $"{Quote(l.Key)}={Quote(l.Value)}")).Append('\n');
        text.Append($"EXPOSE {Number(Port)}\n");
        text.Append($"WORKDIR {RuntimeDir}\n");
        text.Append($"CMD [\"python3\", \"{RuntimeDir}/server.py\"]\n");
        return text.ToString();
    }

    private static void Add(SortedDictionary<string, string> labels, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            labels[key] = value;
        }
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A double-quoted Containerfile word: quotes, backslashes and <c>$</c> (variable expansion) escaped
    /// and line breaks flattened, so no value can end the instruction or start another.
    /// </summary>
    private static string Quote(string value) =>
        "\"" + value.ReplaceLineEndings(" ").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("$", "\\$", StringComparison.Ordinal) + "\"";
}
