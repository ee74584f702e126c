namespace Gateway.Configuration;

/// <summary>Range checks shared by the options validators; each failure names the configuration key.</summary>
internal static class OptionRules
{
    public static void AtLeast(List<string> failures, string key, long value, long min)
    {
        if (value < min)
            failures.Add($"{key} must be at least {min} (is {value}).");
    }

    public static void Between(List<string> failures, string key, long value, long min, long max)
    {
        if (value < min || value > max)
            failures.Add($"{key} must be from {min} to {max} (is {value}).");
    }

    public static void Between(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
            failures.Add($"{key} must be from {min} to {max} (is {value}).");
    }
}
