using Gateway.Proxy;
using Metering.Logs;
using Gateway.Proxy.Admission;

namespace Gateway.Api.Admin;

/// <summary>The <c>system</c> rows that account and key changes leave, with the caller's IP.</summary>
internal sealed class SystemRowFactory(ClientAddress clientAddress, TimeProvider clock)
{
    public LogRecord Create(HttpContext context, int status, string message, string tokenName = "")
    {
        var requestId = RequestIds.New(clock.GetUtcNow());
        context.Response.Headers[Proxy.Forwarding.UpstreamTransformer.RequestIdHeader] = requestId;
        return new LogRecord
        {
            RequestId = requestId,
            TimeMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Type = LogType.System,
            TokenName = tokenName,
            Path = context.Request.Path.Value ?? "",
            Status = status,
            Ip = clientAddress.Resolve(context),
            Message = message,
        };
    }
}
