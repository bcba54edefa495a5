using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DKube.Pipelines;

/// <summary>
/// Recognizes DKube's own components in a compiled pipeline and reads what they ask for. DKube
/// ships them as KFP components (<c>dkube-training</c>, <c>dkube-preprocess</c>,
/// <c>dkube-serving</c>, <c>dkube-storage</c>) whose container is DKube's launcher: image
/// <c>ocdr/dkubepl:&lt;version&gt;</c>, command <c>[dkubepl]</c>, and args that start with the
/// subcommand (<c>training</c>, <c>preprocess</c>, <c>serving</c>, <c>storage</c>) followed by
/// <c>--flag, {{$.inputs.parameters['input']}}</c> pairs. A compiled pipeline keeps exactly that
/// (the component's name becomes <c>comp-dkube-training</c>, its executor <c>exec-dkube-training</c>),
/// so a task is recognized by its executor: the launcher in its command or args (or its image
/// <c>.../dkubepl</c>), the subcommand after it. What it asks for is read from the flags once the
/// task's inputs are in them, as the launcher itself reads them: which input feeds a flag is the
/// component's business, so renamed inputs of another SDK version read the same.
/// </summary>
public static partial class DkubeSteps
{
    /// <summary>The launcher's name, in a DKube component's command.</summary>
    public const string Launcher = "dkubepl";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();

    /// <summary>A step kind as the graph and a run's tasks name it: <c>dkube-training</c>, <c>dkube-preprocessing</c>, <c>dkube-serving</c>, <c>dkube-storage</c>.</summary>
    public static string NameOf(DkubeStepKind kind) => "dkube-" + kind.ToString().ToLowerInvariant();

    /// <summary>The kind of DKube step a container is, or null for any other container.</summary>
    public static DkubeStepKind? KindOf(ContainerSpec container) => Subcommand(container) is { } sub ? KindOf(sub) : null;

    /// <summary>
    /// What a DKube step asks for, from its container's command and args with the task's inputs
    /// resolved (<paramref name="input"/>: its parameters with the component's defaults). Throws
    /// <see cref="FormatException"/> naming the flag that is wrong (lists of names and mount paths
    /// of different lengths, a version that is not a number, ...).
    /// </summary>
    public static DkubeStep Read(ContainerSpec container, ExecutorInput input)
    {
        var kind = KindOf(container) ?? throw new FormatException("the container is not DKube's launcher (dkubepl)");
        var argv = Placeholders.Resolve(container.Command.Concat(container.Args), input);
        return Parse(kind, Flags(argv));
    }

    /// <summary>
    /// The task's parameters as the launcher's flags get them: the given ones, else the component's
    /// default, else empty (DKube's components declare most inputs optional, and a compiled
    /// pipeline passes only those the pipeline set).
    /// </summary>
    public static Dictionary<string, JsonNode?> WithDefaults(ComponentSpec component, IReadOnlyDictionary<string, JsonNode?> given)
    {
        var values = new Dictionary<string, JsonNode?>(given, StringComparer.Ordinal);
        foreach (var (name, definition) in component.InputParameters)
        {
            if (!values.ContainsKey(name) || values[name] is null)
            {
                values[name] = definition.DefaultValue?.DeepClone() ?? JsonValue.Create("");
            }
        }

        return values;
    }

    /// <summary>The <c>artifact</c> output of a training or preprocessing step: DKube's list of the versions it made.</summary>
    public static string ArtifactJson(IEnumerable<(string Kind, string Name, string RepoId, int Version)> versions)
    {
        var list = new JsonArray();
        foreach (var (kind, name, repoId, version) in versions)
        {
            list.Add(new JsonObject { ["datum"] = name, ["class"] = kind, ["version"] = version, ["repo"] = repoId });
        }

        return list.ToJsonString();
    }

    private static DkubeStepKind? KindOf(string subcommand) => subcommand.ToLowerInvariant() switch
    {
        "training" => DkubeStepKind.Training,
        "preprocess" or "preprocessing" or "data" => DkubeStepKind.Preprocessing,
        "serving" or "inference" => DkubeStepKind.Serving,
        "storage" => DkubeStepKind.Storage,
        _ => null,
    };

    private static string? Subcommand(ContainerSpec container)
    {
        var argv = container.Command.Concat(container.Args).ToList();
        var at = argv.FindIndex(a => Path.GetFileName(a.Trim()) == Launcher);
        if (at >= 0)
        {
            return at + 1 < argv.Count ? argv[at + 1] : null;
        }

        // The launcher's image with its entrypoint (no command written): the args start with the subcommand.
        var repository = container.Image.Split('@')[0];
        var slash = repository.LastIndexOf('/');
        var colon = repository.LastIndexOf(':');
        if (colon > slash)
        {
            repository = repository[..colon];
        }

        return (repository == Launcher || repository.EndsWith("/" + Launcher, StringComparison.Ordinal)) && argv.Count > 0 ? argv[0] : null;
    }

    /// <summary>The <c>--flag value</c> pairs after the subcommand (the launcher's own: <c>--runid</c>, <c>--wfid</c> too, unread).</summary>
    private static Dictionary<string, string> Flags(IReadOnlyList<string> argv)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < argv.Count; i++)
        {
            if (!argv[i].StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            var flag = argv[i][2..];
            if (flag.IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
            {
                flags[flag[..equals]] = flag[(equals + 1)..];
            }
            else if (i + 1 < argv.Count)
            {
                flags[flag] = argv[++i];
            }
        }

        return flags;
    }

    private static DkubeStep Parse(DkubeStepKind kind, Dictionary<string, string> flags)
    {
        string? Text(string flag) => flags.TryGetValue(flag, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var envs = Envs(Text("envs"));
        var gpus = Number("ngpus", Text("ngpus")) ?? 0;
        if (kind == DkubeStepKind.Storage)
        {
            return new DkubeStep(kind, null, null, null, null, [], [], 0, envs, null, null);
        }

        if (kind == DkubeStepKind.Serving)
        {
            var (model, version) = Model(Text("model") ?? throw new FormatException("the serving step names no model (--model)"));
            var (image, command) = Container("serving_image", Text("serving_image"));
            var device = Text("device")?.ToLowerInvariant() ?? "cpu";
            if (device is not ("cpu" or "gpu" or "auto"))
            {
                throw new FormatException($"device '{device}' is not cpu, gpu or auto");
            }

            var serving = new DkubeServingSpec(model, version ?? Version("model_version", Text("model_version")), device == "gpu" ? 1 : 0, image, command,
                Container("transformer_image", Text("transformer_image")).Image, Text("transformer_project"), Text("transformer_code"),
                Text("transformer_commit_id"), Text("name"), Number("min_replicas", Text("min_replicas")), Number("max_replicas", Text("max_replicas")));
            if ((serving.TransformerProgram is null) != (serving.TransformerScript is null))
            {
                throw new FormatException("a transformer needs both its code (transformer_project) and its script (transformer_code)");
            }

            return new DkubeStep(kind, image, null, null, null, [], [], serving.Gpus, envs, null, serving);
        }

        var inputs = new List<DkubeDataRef>();
        inputs.AddRange(Data("dataset", flags, "datasets", "input_dataset_mounts", "input_dataset_versions", required: true));
        inputs.AddRange(Data("featureset", flags, flags.ContainsKey("input_featuresets") ? "input_featuresets" : "featuresets", "input_featureset_mounts", "input_featureset_versions", required: true));
        inputs.AddRange(Data("model", flags, "models", "input_model_mounts", "input_model_versions", required: true));
        var outputs = kind == DkubeStepKind.Training
            ? Data("model", flags, "outputs", "output_mounts", null, required: false)
            : [.. Data("dataset", flags, "outputs", "output_mounts", null, required: false),
                .. Data("featureset", flags, "output_featuresets", "output_featureset_mounts", null, required: false)];
        return new DkubeStep(kind, Container("container", Text("container")).Image, Text("program"), Text("commit_id"), Text("script"), inputs, outputs,
            gpus, envs, Text("config"), null);
    }

    /// <summary>Names with their mount paths (and versions): lists of equal length; an input's mount path is required, an output's is not.</summary>
    private static List<DkubeDataRef> Data(string kind, Dictionary<string, string> flags, string names, string mounts, string? versions, bool required)
    {
        var nameList = List(names, flags.GetValueOrDefault(names));
        var mountList = List(mounts, flags.GetValueOrDefault(mounts));
        var versionList = versions is null ? [] : List(versions, flags.GetValueOrDefault(versions));
        if (mountList.Count != nameList.Count && (required || mountList.Count > 0))
        {
            throw new FormatException($"{names} names {nameList.Count} {kind}(s) but {mounts} has {mountList.Count} mount path(s)");
        }

        if (versionList.Count > 0 && versionList.Count != nameList.Count)
        {
            throw new FormatException($"{names} names {nameList.Count} {kind}(s) but {versions} has {versionList.Count} version(s)");
        }

        var result = new List<DkubeDataRef>();
        for (var i = 0; i < nameList.Count; i++)
        {
            if (nameList[i].Length == 0)
            {
                throw new FormatException($"{names} has an empty name");
            }

            result.Add(new DkubeDataRef(kind, nameList[i], versionList.Count > 0 ? Version(versions!, versionList[i]) : null,
                i < mountList.Count ? MountPath(mounts, mountList[i]) : null));
        }

        return result;
    }

    /// <summary>
    /// A mount path inside the run's working folder: DKube's are absolute (<c>/opt/dkube/input</c>);
    /// here the run's folders hold them, so the leading '/' is dropped. No way out of the folder.
    /// </summary>
    private static string MountPath(string flag, string path)
    {
        var relative = path.Trim().TrimStart('/').TrimEnd('/');
        var segments = relative.Split('/');
        if (relative.Length == 0 || relative.Length > 255 || segments.Any(s => s is "" or "." or "..") || relative.Contains('\0', StringComparison.Ordinal))
        {
            throw new FormatException($"{flag}: '{path}' is not a mount path inside the run's folder");
        }

        return relative;
    }

    /// <summary>
    /// A list as DKube's components take one: JSON text (<c>["a", "b"]</c>), the Python form examples
    /// write (<c>['a']</c>), or one bare name; empty for nothing.
    /// </summary>
    private static List<string> List(string flag, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var node = ParseJson(text) ?? (text.TrimStart().StartsWith('[') ? ParseJson(text.Replace('\'', '"')) : null);
        return node switch
        {
            JsonArray array => [.. array.Select(item => item is null ? "" : Placeholders.AsText(item).Trim())],
            JsonValue value when value.GetValueKind() == JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetValue<string>()) ? [] : [value.GetValue<string>().Trim()],
            null when !text.TrimStart().StartsWith('[') => [text.Trim()],
            _ => throw new FormatException($"{flag}: '{text}' is not a list"),
        };
    }

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A version number (DKube writes <c>v3</c> too); empty: the latest.</summary>
    private static int? Version(string flag, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var digits = text.Trim().TrimStart('v', 'V');
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw new FormatException($"{flag}: '{text}' is not a version number");
    }

    private static int? Number(string flag, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= 1024
            ? number
            : double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && real >= 0 && real <= 1024 && real == Math.Floor(real)
                ? (int)real
                : throw new FormatException($"{flag}: '{text}' is not a count");
    }

    /// <summary>DKube's container JSON (<c>{"image": ..., "username": ..., "password": ...}</c>) or a bare image; a <c>command</c> key is this server's.</summary>
    private static (string? Image, string? Command) Container(string flag, string? text)
    {
        if (text is null)
        {
            return (null, null);
        }

        if (ParseJson(text) is JsonObject container)
        {
            string? Field(string key) => container[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } given ? given : null;
            return (Field("image"), Field("command"));
        }

        return text.TrimStart().StartsWith('{') ? throw new FormatException($"{flag}: '{text}' is not DKube's container JSON") : (text, null);
    }

    /// <summary>
    /// The model a serving step deploys: a name (or id), or what a training step's <c>artifact</c>
    /// output holds (a list of <c>{datum, class, version}</c>: its model entry), or <c>{name, version}</c>.
    /// </summary>
    private static (string Name, int? Version) Model(string text)
    {
        var node = ParseJson(text);
        var entry = node switch
        {
            JsonArray list => list.OfType<JsonObject>().FirstOrDefault(e => e["class"]?.ToString() == "model") ?? list.OfType<JsonObject>().FirstOrDefault(),
            JsonObject one => one,
            _ => null,
        };
        if (entry is null)
        {
            return node is JsonArray ? throw new FormatException($"model: '{text}' names no model") : (text, null);
        }

        var name = (entry["datum"] ?? entry["name"])?.ToString();
        return string.IsNullOrWhiteSpace(name)
            ? throw new FormatException($"model: '{text}' names no model")
            : (name, Version("model", entry["version"] is { } version ? Placeholders.AsText(version) : null));
    }

    /// <summary>DKube's <c>envs</c>: a JSON object, a list of objects, or a list of <c>NAME=value</c>.</summary>
    private static Dictionary<string, string> Envs(string? text)
    {
        var envs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text is null)
        {
            return envs;
        }

        var node = ParseJson(text) ?? ParseJson(text.Replace('\'', '"'));
        IEnumerable<JsonNode?> items = node switch
        {
            JsonObject one => [one],
            JsonArray list => list,
            _ => throw new FormatException($"envs: '{text}' is not a list of variables"),
        };
        foreach (var item in items)
        {
            if (item is JsonObject pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    envs[key] = Placeholders.AsText(value);
                }
            }
            else if (item is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Split('=', 2) is [var key, var given])
            {
                envs[key.Trim()] = given;
            }
            else
            {
                throw new FormatException($"envs: '{item?.ToJsonString()}' is not NAME=value or an object");
            }
        }

        return envs.Keys.FirstOrDefault(k => !EnvName().IsMatch(k)) is { } bad
            ? throw new FormatException($"envs: '{bad}' is not a variable name")
            : envs;
    }
}
