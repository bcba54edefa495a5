namespace DKube.Abstractions.Pipelines;

/// <summary>
/// A contributor's access to an experiment: viewers read it, editors also archive and
/// unarchive it, owners also delete it and manage its contributors.
/// </summary>
public enum ExperimentAccess
{
    Viewer,
    Editor,
    Owner,
}
