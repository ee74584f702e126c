using Ttft;

// ttft serve --urls http://127.0.0.1:PORT
// ttft probe <name> <url> <key> <body-file> <count>
return args switch
{
    ["serve", .. var rest] => await PacedUpstream.RunAsync(rest),
    ["probe", var name, var url, var key, var bodyFile, var count] =>
        await FirstEventProbe.RunAsync(name, new Uri(url), key, await File.ReadAllBytesAsync(bodyFile), int.Parse(count)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ttft serve --urls http://127.0.0.1:PORT | ttft probe NAME URL KEY BODY_FILE COUNT");
    return 2;
}
