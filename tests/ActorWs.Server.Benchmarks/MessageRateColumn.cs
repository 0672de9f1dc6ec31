using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ActorWs.Server.Benchmarks;

/// <summary>Messages per second: the inverse of the mean time per operation (every operation is one message delivered).</summary>
public sealed class MessageRateColumn : IColumn
{
    public string Id => nameof(MessageRateColumn);

    public string ColumnName => "Msg/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Messages delivered per second (1 / Mean; one operation is one message)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 ? (1e9 / mean.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}

/// <summary>Adds <see cref="MessageRateColumn"/> to a benchmark class's summary.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class MessagesPerSecondColumnAttribute : ColumnConfigBaseAttribute
{
    public MessagesPerSecondColumnAttribute()
        : base(new MessageRateColumn())
    {
    }
}
