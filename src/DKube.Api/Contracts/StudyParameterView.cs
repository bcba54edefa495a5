namespace DKube.Api.Contracts;

/// <summary>One parameter of a validated study: its range (<c>min</c>, <c>max</c>, <c>step</c>) or its <c>list</c>.</summary>
public sealed record StudyParameterView(string Name, string Type, double? Min, double? Max, double? Step, IReadOnlyList<string>? List);
