using Dapper;
using Metering.Ledger;
using static Gateway.Tests.Metering.Storage.LogRows;

namespace Gateway.Tests.Metering.Storage.Sqlite.Logs;

/// <summary>
/// The row INSERT binds by position through SQLitePCL's raw API: empty text must stay '' (a zero-length
/// span would bind NULL), NULL must stay NULL, and any text must come back exactly.
/// </summary>
public class LogInsertCommandTests
{
    [Fact]
    public async Task Insert_EmptyNullAndUnicodeText_ReadBackExactly()
    {
        await using var store = TempStore.Create();
        var row = Row(T0, token: "", group: "", model: "模型-😀", ip: null, message: "línea\nzwei 'quoted' \0 nul") with
        {
            Path = "",
            Details = "{\"note\":\"" + new string('é', 3_000) + "\"}",
            KeyId = null,
            FirstTokenMs = null,
        };

        var id = await store.Ledger.AppendAsync(row);

        var stored = await store.Logs.GetAsync(id, accountScope: null);
        stored.Should().BeEquivalentTo(row with { Id = id });
        await using var connection = await store.Database.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM logs WHERE token_name = '' AND grp = '' AND path = '' AND ip IS NULL AND key_id IS NULL"))
            .Should().Be(1);
    }

    [Fact]
    public async Task Insert_ManyRows_IdsAreTheRowsOwn()
    {
        await using var store = TempStore.Create();
        var rows = Enumerable.Range(0, 300).Select(i => Row(T0 + i, message: $"row {i}")).ToList();

        var ids = await Task.WhenAll(rows.Select(r => store.Ledger.AppendAsync(r)));

        for (var i = 0; i < rows.Count; i++)
            (await store.Logs.GetAsync(ids[i], accountScope: null))!.Message.Should().Be($"row {i}");
        ids.Should().OnlyHaveUniqueItems();
    }
}
