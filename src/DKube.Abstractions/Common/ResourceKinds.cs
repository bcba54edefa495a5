namespace DKube.Abstractions.Common;

/// <summary>The kinds of resource kept in the listing read model.</summary>
public static class ResourceKinds
{
    public const string Project = "project";
    public const string Run = "run";
    public const string Ide = "ide";
    public const string Template = "template";
    public const string Deployment = "deployment";
    public const string Monitor = "monitor";
    public const string Pipeline = "pipeline";
    public const string Experiment = "experiment";
    public const string PipelineRun = "pipeline-run";
    public const string RecurringRun = "recurring-run";
}
