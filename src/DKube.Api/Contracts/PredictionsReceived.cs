namespace DKube.Api.Contracts;

/// <summary>POST /deployments/{id}/predictions: how many lines were stored (a request id already logged for the deployment is kept as it was).</summary>
public sealed record PredictionsReceived(int Received);
