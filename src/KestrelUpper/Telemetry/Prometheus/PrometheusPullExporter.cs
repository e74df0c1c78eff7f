using System.Buffers;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>
/// Renders each batch the SDK hands over into Prometheus text and keeps the latest result.
/// Deliberately carries no <c>[ExportModes(ExportModes.Pull)]</c>: with that attribute a reader added through
/// <c>AddReader</c> refuses <c>Collect()</c> (returns false), which the tests pin down.
/// </summary>
internal sealed class PrometheusPullExporter : BaseExporter<Metric>
{
    private readonly Lock _gate = new();
    private readonly PrometheusTextWriter _writer = new();

    // Reused across exports so steady-state rendering only allocates the published snapshot.
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);

    private byte[] _latest = [];
    private long _exportCount;
    private string? _lastError;
    private bool _shutdown;

    /// <summary>Number of successful renders so far; lets a caller tell whether its collect produced output.</summary>
    public long ExportCount
    {
        get
        {
            lock (_gate)
            {
                return _exportCount;
            }
        }
    }

    /// <summary>Message of the last failed render, if the most recent export failed.</summary>
    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    /// <summary>
    /// True once the owning provider shut down. Observed with SDK 1.20.1: <c>Collect()</c> on a disposed provider
    /// still calls <see cref="Export"/> and reports success, so exports are refused after shutdown.
    /// </summary>
    public bool IsShutdown
    {
        get
        {
            lock (_gate)
            {
                return _shutdown;
            }
        }
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        // The batch is only valid during this call, so it must be rendered here, not later.
        lock (_gate)
        {
            if (_shutdown)
            {
                return ExportResult.Failure;
            }

            try
            {
                _buffer.ResetWrittenCount();
                Resource resource = ParentProvider?.GetResource() ?? Resource.Empty;
                _writer.Write(batch, resource, _buffer);

                // A fresh array per export: earlier snapshots may still be streaming to slower clients.
                _latest = _buffer.WrittenSpan.ToArray();
                _exportCount++;
                _lastError = null;
                return ExportResult.Success;
            }
            catch (Exception ex)
            {
                // Keep the reason so the scrape error says more than "Collect() returned false".
                _lastError = ex.Message;
                return ExportResult.Failure;
            }
        }
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        lock (_gate)
        {
            _shutdown = true;
            _latest = [];
        }

        return true;
    }

    /// <summary>The latest rendering if one happened after export number <paramref name="exportCount"/>; otherwise null.</summary>
    public byte[]? GetSnapshotNewerThan(long exportCount)
    {
        lock (_gate)
        {
            return _exportCount > exportCount && !_shutdown ? _latest : null;
        }
    }
}
