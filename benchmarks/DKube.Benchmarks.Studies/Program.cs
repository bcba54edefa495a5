using DKube.Benchmarks.Studies;

// Usage: algorithms [seeds] [budget]   (default 20 seeds, 40 trials)
//        overhead [trials] [parallel]  (default 1,000 trials, 8 at a time; see StudyOverhead)
var mode = args.FirstOrDefault() ?? "algorithms";
if (mode == "algorithms")
{
    AlgorithmComparison.Run(args.Length > 1 ? int.Parse(args[1]) : 20, args.Length > 2 ? int.Parse(args[2]) : 40);
}
else if (mode == "overhead")
{
    return await StudyOverhead.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000, args.Length > 2 ? int.Parse(args[2]) : 8);
}
else
{
    Console.Error.WriteLine("usage: algorithms [seeds] [budget] | overhead [trials] [parallel]");
    return 2;
}

return 0;
