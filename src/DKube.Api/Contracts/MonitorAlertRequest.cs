namespace DKube.Api.Contracts;

/// <summary>An alert: on a component, its conditions (any one breaching breaches it), consecutive breaches before it fires, a webhook, a retraining.</summary>
public sealed record MonitorAlertRequest(
    string? Name, string? On, IReadOnlyList<MonitorConditionRequest>? Conditions, int? Breaches, string? Webhook, MonitorRetrainRequest? Retrain = null);
