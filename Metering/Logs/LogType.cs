namespace Metering.Logs;

/// <summary>The row types of the usage log (SPEC §6 <c>type</c>).</summary>
public static class LogType
{
    public const string Consume = "consume";
    public const string Error = "error";
    public const string System = "system";

    public static bool IsKnown(string value) => value is Consume or Error or System;
}
