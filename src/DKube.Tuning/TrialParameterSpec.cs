namespace DKube.Tuning;

/// <summary>Katib's <c>trialTemplate.trialParameters[]</c>: <c>${trialParameters.Name}</c> takes the value of parameter <c>Reference</c>.</summary>
public sealed record TrialParameterSpec(string Name, string Reference);
