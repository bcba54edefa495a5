using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;

namespace DKube.Server;

/// <summary>
/// The console a person meets: warnings and errors of the frameworks, DKube's own lifecycle lines,
/// one line each (<c>DKUBE_LOG_FORMAT=text</c>, the default), or the same events as one JSON object per
/// line for log collectors (<c>json</c>). Orleans' option dumps, Polly's attempt lines and a line per
/// HTTP request are Information and below, so they stay quiet unless <c>Logging:LogLevel:*</c> asks for them.
/// </summary>
public static class ConsoleLogging
{
    public const string Text = "text";
    public const string Json = "json";

    /// <summary>The categories DKube's own code logs under (namespaces start with it).</summary>
    public const string OwnCategory = "DKube";

    /// <summary>
    /// The default levels, as the lowest-priority configuration source: <c>Logging__LogLevel__Default=Information</c>
    /// (or <c>--Logging:LogLevel:Orleans=Debug</c>) given by the environment or command line still wins.
    /// </summary>
    private static readonly Dictionary<string, string?> DefaultLevels = new(StringComparer.Ordinal)
    {
        ["Logging:LogLevel:Default"] = "Warning",
        [$"Logging:LogLevel:{OwnCategory}"] = "Information",
    };

    public static void Validate(string format)
    {
        if (!IsJson(format) && !string.Equals(format, Text, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"DKUBE_LOG_FORMAT must be {Text} or {Json}, not '{format}'.");
        }
    }

    /// <summary>Replaces the host's default console logging with ours.</summary>
    public static void Configure(WebApplicationBuilder builder, DKubeOptions options)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLevels });
        builder.Logging.ClearProviders();
        AddConsole(builder.Logging, options);
    }

    /// <summary>
    /// A logger factory for what happens before the host exists (the embedded database's start, the
    /// migrations), writing exactly like the host's console will.
    /// </summary>
    public static ILoggerFactory ForStartup(IConfiguration configuration, DKubeOptions options) =>
        LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(new ConfigurationBuilder()
                .AddInMemoryCollection(DefaultLevels).AddConfiguration(configuration).Build().GetSection("Logging"));
            AddConsole(logging, options);
        });

    public static bool IsJson(string format) => string.Equals(format, Json, StringComparison.OrdinalIgnoreCase);

    private static void AddConsole(ILoggingBuilder logging, DKubeOptions options)
    {
        if (IsJson(options.LogFormat))
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
            return;
        }

        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Default;
        });
    }
}
