namespace DKube.Api.Contracts;

/// <summary>A pre/post-processing process from a code repository in front of the predictor (not served yet: refused with 422).</summary>
public sealed record TransformerRequest(CodeRequest? Code, string? Script, string? Image);
