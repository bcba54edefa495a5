namespace DKube.Api.Contracts;

/// <summary>A pre/post-processing process from a code repository in front of the predictor: <c>script</c> runs in its checkout, listens on <c>PORT</c>, reaches the predictor at <c>DKUBE_PREDICTOR_URL</c>.</summary>
public sealed record TransformerRequest(CodeRequest? Code, string? Script, string? Image);
