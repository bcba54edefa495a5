using DKube.Benchmarks.Studies;

// Usage: algorithms [seeds] [budget]   (default 20 seeds, 40 trials)
var mode = args.FirstOrDefault() ?? "algorithms";
if (mode == "algorithms")
{
    AlgorithmComparison.Run(args.Length > 1 ? int.Parse(args[1]) : 20, args.Length > 2 ? int.Parse(args[2]) : 40);
}
else
{
    Console.Error.WriteLine("usage: algorithms [seeds] [budget]");
    return 2;
}

return 0;
