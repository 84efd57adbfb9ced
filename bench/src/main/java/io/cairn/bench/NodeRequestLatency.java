package io.cairn.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Cairn node's own latency for one binary-protocol api, from frame arrival to answer written, read from the
 * node's {@code GET /metrics} histogram {@code cairn_protocol_requests_seconds_bucket{api=...}} (docs/node.md). Two
 * scrapes bracket a phase; {@link Histogram#minus} gives the requests in between. It shows how much of a client's
 * latency the node itself spends. Blocking; one thread.
 */
public final class NodeRequestLatency {

  private static final String METRIC = "cairn_protocol_requests_seconds_bucket";
  private static final Pattern BUCKET = Pattern.compile(
      "^" + METRIC + "\\{([^}]*)} ([0-9.eE+-]+)$", Pattern.MULTILINE);
  private static final Pattern API_LABEL = Pattern.compile("(?:^|,)api=\"([^\"]*)\"");
  private static final Pattern LE_LABEL = Pattern.compile("(?:^|,)le=\"([^\"]*)\"");
  private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(10);
  private static final double MILLIS_PER_SECOND = 1000;

  private final URI metrics;
  private final String api;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(SCRAPE_TIMEOUT).build();

  /** The histogram of {@code api} (such as {@code Produce}) of the node whose HTTP API is at {@code hostPort}. */
  public NodeRequestLatency(String hostPort, String api) {
    this.metrics = URI.create("http://" + hostPort + "/metrics");
    this.api = api;
  }

  /** The node's histogram now; fails with a {@link BenchException} if the node cannot be scraped. */
  public Histogram scrape() {
    HttpRequest request = HttpRequest.newBuilder(metrics).timeout(SCRAPE_TIMEOUT).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new BenchException("GET " + metrics + " answered " + response.statusCode());
      }
      return parse(response.body(), api);
    } catch (IOException e) {
      throw new BenchException("cannot scrape " + metrics + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while scraping " + metrics, e);
    }
  }

  /**
   * The buckets of {@code api} in a Prometheus text exposition, in ascending order of bound; empty (no buckets, count
   * 0) if the node has served no request of that api.
   */
  static Histogram parse(String text, String api) {
    List<double[]> buckets = new ArrayList<>();
    Matcher line = BUCKET.matcher(text);
    while (line.find()) {
      Matcher apiLabel = API_LABEL.matcher(line.group(1));
      Matcher le = LE_LABEL.matcher(line.group(1));
      if (apiLabel.find() && apiLabel.group(1).equals(api) && le.find()) {
        double bound = "+Inf".equals(le.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
        buckets.add(new double[] {bound, Double.parseDouble(line.group(2))});
      }
    }
    buckets.sort((a, b) -> Double.compare(a[0], b[0]));
    double[] bounds = new double[buckets.size()];
    long[] cumulative = new long[buckets.size()];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = buckets.get(i)[0];
      cumulative[i] = Math.round(buckets.get(i)[1]);
    }
    return new Histogram(bounds, cumulative);
  }

  /**
   * Cumulative bucket counts: {@code cumulative[i]} requests took at most {@code bounds[i]} seconds; the last bound
   * is {@code +Inf}.
   */
  public record Histogram(double[] bounds, long[] cumulative) {

    public Histogram {
      if (bounds.length != cumulative.length) {
        throw new IllegalArgumentException(bounds.length + " bounds but " + cumulative.length + " counts");
      }
      bounds = bounds.clone();
      cumulative = cumulative.clone();
    }

    @Override
    public double[] bounds() {
      return bounds.clone();
    }

    @Override
    public long[] cumulative() {
      return cumulative.clone();
    }

    /** Requests counted. */
    public long count() {
      return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }

    /**
     * The requests counted here but not in {@code earlier}, a scrape of the same node before this one. An earlier
     * scrape without buckets (no request yet) counts as zeros.
     */
    public Histogram minus(Histogram earlier) {
      if (earlier.bounds.length == 0) {
        return this;
      }
      if (!Arrays.equals(bounds, earlier.bounds)) {
        throw new IllegalArgumentException("the two scrapes have different buckets: " + Arrays.toString(earlier.bounds)
            + " and " + Arrays.toString(bounds));
      }
      long[] difference = new long[cumulative.length];
      for (int i = 0; i < difference.length; i++) {
        difference[i] = cumulative[i] - earlier.cumulative[i];
      }
      return new Histogram(bounds, difference);
    }

    /**
     * The {@code percentile} (0-100) in milliseconds, interpolated linearly inside its bucket (from the bucket below's
     * bound, or 0). A percentile in the {@code +Inf} bucket is reported as the largest finite bound, a lower limit.
     * NaN when nothing was counted.
     */
    public double percentileMs(double percentile) {
      long total = count();
      if (total == 0) {
        return Double.NaN;
      }
      double rank = percentile / 100 * total;
      long below = 0;
      double lower = 0;
      for (int i = 0; i < bounds.length; i++) {
        if (cumulative[i] >= rank && cumulative[i] > below) {
          if (Double.isInfinite(bounds[i])) {
            return lower * MILLIS_PER_SECOND;
          }
          double within = (rank - below) / (cumulative[i] - below);
          return (lower + (bounds[i] - lower) * Math.max(0, within)) * MILLIS_PER_SECOND;
        }
        below = cumulative[i];
        lower = bounds[i];
      }
      return lower * MILLIS_PER_SECOND;
    }
  }
}
