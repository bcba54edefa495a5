namespace DKube.Monitoring;

/// <summary>
/// One column's values as read for a window: numbers sorted ascending for a continuous column
/// (kept sorted so that every test and distance shares one sort), strings for a categorical one;
/// <see cref="Missing"/> counts empty cells (and, in a continuous column, cells that are not numbers),
/// left out of every comparison.
/// </summary>
public sealed record ColumnValues(FeatureColumn Column, double[] SortedNumbers, string[] Labels, long Missing);
