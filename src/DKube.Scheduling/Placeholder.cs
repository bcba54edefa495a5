namespace DKube.Scheduling;

internal static class Placeholder;
