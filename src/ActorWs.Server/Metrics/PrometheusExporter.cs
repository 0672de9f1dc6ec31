using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ActorWs.Server.Metrics;

/// <summary>
/// Listens to meters and renders their current values in the Prometheus text exposition format
/// (version 0.0.4), for <c>GET /metrics</c>.
/// </summary>
/// <remarks>
/// Counters and up-down counters are summed per tag set as they are recorded (a lock-free add on an
/// existing series; a new tag set allocates once); histograms keep count, sum and fixed buckets;
/// observable instruments are read at scrape time. Thread-safety: recording from any thread and
/// scraping concurrently are both safe.
/// </remarks>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The content type of the rendered text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] HistogramBounds = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 5000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly object _scrapeLock = new();

    /// <summary>Exports every meter whose name is in <paramref name="meterNames"/>.</summary>
    public PrometheusExporter(params string[] meterNames)
    {
        var names = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!names.Contains(instrument.Meter.Name)) return;
            var state = _instruments.GetOrAdd(instrument, i => new InstrumentState(i));
            listener.EnableMeasurementEvents(instrument, state);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Renders all series now.</summary>
    public string Scrape()
    {
        lock (_scrapeLock)
        {
            foreach (var state in _instruments.Values) state.ResetObservations();
            _listener.RecordObservableInstruments();
            var text = new StringBuilder(4096);
            foreach (var state in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal)) state.Render(text);
            return text.ToString();
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    /// <summary>Instrument name → Prometheus metric name: lower case, [a-z0-9_] only.</summary>
    internal static string MetricName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        if (builder.Length > 0 && char.IsAsciiDigit(builder[0])) builder.Insert(0, '_');
        return builder.ToString();
    }

    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string FormatNumber(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class Series
    {
        public long LongValue;
        public double DoubleValue;
        public long Count;
        public long[]? Buckets;
        public readonly object Gate = new();
    }

    private sealed class InstrumentState
    {
        private readonly Instrument _instrument;
        private readonly Series _untagged = new();
        private readonly ConcurrentDictionary<string, Series> _tagged = new(StringComparer.Ordinal);
        private readonly bool _isHistogram;
        private readonly bool _isObservable;
        private readonly bool _isMonotonic;
        private bool _untaggedSeen;

        public InstrumentState(Instrument instrument)
        {
            _instrument = instrument;
            var type = instrument.GetType();
            _isHistogram = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Histogram<>);
            _isObservable = instrument.IsObservable;
            _isMonotonic = type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Counter<>) || type.GetGenericTypeDefinition() == typeof(ObservableCounter<>));
            Name = MetricName(instrument.Name) + (_isMonotonic ? "_total" : "");
        }

        public string Name { get; }

        public void ResetObservations()
        {
            if (!_isObservable) return;
            _untaggedSeen = false;
            _tagged.Clear();
        }

        private Series SeriesFor(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                _untaggedSeen = true;
                return _untagged;
            }
            return _tagged.GetOrAdd(LabelText(tags), _ => new Series());
        }

        private static string LabelText(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var pairs = new List<KeyValuePair<string, string>>(tags.Length);
            foreach (var tag in tags)
                pairs.Add(new(MetricName(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
            pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return string.Join(",", pairs.Select(p => $"{p.Key}=\"{EscapeLabelValue(p.Value)}\""));
        }

        public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (_isHistogram) { Record((double)value, tags); return; }
            var series = SeriesFor(tags);
            if (_isObservable) Volatile.Write(ref series.LongValue, value);
            else Interlocked.Add(ref series.LongValue, value);
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = SeriesFor(tags);
            lock (series.Gate)
            {
                if (_isHistogram)
                {
                    series.Buckets ??= new long[HistogramBounds.Length];
                    for (int i = 0; i < HistogramBounds.Length; i++)
                        if (value <= HistogramBounds[i]) series.Buckets[i]++;
                    series.Count++;
                    series.DoubleValue += value;
                }
                else if (_isObservable)
                {
                    series.DoubleValue = value;
                    series.Count = 1;
                }
                else
                {
                    series.DoubleValue += value;
                    series.Count = 1;
                }
            }
        }

        public void Render(StringBuilder text)
        {
            string type = _isHistogram ? "histogram" : _isMonotonic ? "counter" : "gauge";
            if (!string.IsNullOrEmpty(_instrument.Description))
                text.Append("# HELP ").Append(Name).Append(' ').Append(_instrument.Description.Replace("\\", "\\\\").Replace("\n", "\\n")).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            // A recorded instrument with no tagged series shows its zero; an observable shows only what it reported.
            if (_untaggedSeen || (!_isObservable && _tagged.IsEmpty)) RenderSeries(text, "", _untagged);
            foreach (var (labels, series) in _tagged.OrderBy(p => p.Key, StringComparer.Ordinal)) RenderSeries(text, labels, series);
        }

        private void RenderSeries(StringBuilder text, string labels, Series series)
        {
            if (_isHistogram)
            {
                long[] buckets;
                long count;
                double sum;
                lock (series.Gate)
                {
                    buckets = (long[]?)series.Buckets?.Clone() ?? new long[HistogramBounds.Length];
                    count = series.Count;
                    sum = series.DoubleValue;
                }
                string prefix = labels.Length == 0 ? "" : labels + ",";
                for (int i = 0; i < HistogramBounds.Length; i++)
                    text.Append(Name).Append("_bucket{").Append(prefix).Append("le=\"").Append(FormatNumber(HistogramBounds[i])).Append("\"} ").Append(buckets[i]).Append('\n');
                text.Append(Name).Append("_bucket{").Append(prefix).Append("le=\"+Inf\"} ").Append(count).Append('\n');
                text.Append(Name).Append("_sum").Append(labels.Length == 0 ? "" : "{" + labels + "}").Append(' ').Append(FormatNumber(sum)).Append('\n');
                text.Append(Name).Append("_count").Append(labels.Length == 0 ? "" : "{" + labels + "}").Append(' ').Append(count).Append('\n');
                return;
            }
            text.Append(Name);
            if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
            text.Append(' ');
            bool isDouble;
            lock (series.Gate) isDouble = series.Count > 0;
            if (isDouble) text.Append(FormatNumber(series.DoubleValue + Volatile.Read(ref series.LongValue)));
            else text.Append(Volatile.Read(ref series.LongValue));
            text.Append('\n');
        }
    }
}
