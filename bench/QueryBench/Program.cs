using QueryBench;

// Commands (see docs/BENCHMARKS.md):
//   seed   --db PATH [--rows 10000000] [--days 90] [--accounts 50] [--keys 200] [--models 30]
//   query  --url http://127.0.0.1:8080 --admin-key KEY [--iterations 40] [--export-days 7]
//   insert --db PATH [--rows 200000] [--concurrency 256]
var bench = new BenchArgs(args);
switch (bench.Command)
{
    case "seed":
        Seeder.Run(bench);
        break;
    case "query":
        await QueryRunner.RunAsync(bench);
        break;
    case "insert":
        await InsertRunner.RunAsync(bench);
        break;
    default:
        Console.Error.WriteLine("usage: QueryBench seed|query|insert [options]; see docs/BENCHMARKS.md");
        return 2;
}
return 0;
