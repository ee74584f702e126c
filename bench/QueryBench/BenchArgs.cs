namespace QueryBench;

/// <summary><c>--name value</c> pairs after the command, with typed defaults.</summary>
internal sealed class BenchArgs(string[] args)
{
    public string Command => args.Length > 0 ? args[0] : "";

    public string Text(string name, string fallback)
    {
        var at = Array.IndexOf(args, "--" + name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    public long Number(string name, long fallback) => long.Parse(Text(name, fallback.ToString()));

    public bool Flag(string name) => args.Contains("--" + name);
}
