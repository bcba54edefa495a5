namespace DKube.Tuning;

/// <summary>Katib's <c>parameterType</c>.</summary>
public enum ParameterType
{
    Double,
    Int,
    Categorical,
    Discrete,
}
