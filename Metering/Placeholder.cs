namespace Metering; internal static class Placeholder {}
