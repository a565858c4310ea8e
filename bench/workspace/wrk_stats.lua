-- wrk reporter: one JSON line (prefix "RESULT ") with throughput, latency percentiles, errors.
-- Non-2xx/3xx responses are counted in "non_2xx_3xx" (wrk's status errors).
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, '
    .. '"p99_ms": %.2f, "mean_ms": %.2f, "max_ms": %.2f, "bytes": %d, "err_connect": %d, '
    .. '"err_read": %d, "err_write": %d, "err_timeout": %d, "non_2xx_3xx": %d}\n',
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000, summary.bytes,
    e.connect, e.read, e.write, e.timeout, e.status))
end
