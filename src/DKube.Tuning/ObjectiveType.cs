namespace DKube.Tuning;

/// <summary>Katib's <c>objective.type</c>.</summary>
public enum ObjectiveType
{
    Minimize,
    Maximize,
}
