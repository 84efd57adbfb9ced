package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NodeRequestLatencyTest {

  /** A scrape as a node writes it: other meters and apis around, labels in the registry's order. */
  private static final String SCRAPE = """
      # HELP cairn_protocol_requests_seconds Binary-protocol requests by api, from arrival to answer
      # TYPE cairn_protocol_requests_seconds histogram
      cairn_protocol_requests_seconds_bucket{api="Fetch",le="0.001"} 7
      cairn_protocol_requests_seconds_bucket{api="Fetch",le="+Inf"} 9
      cairn_protocol_requests_seconds_bucket{api="Produce",le="0.001"} 50
      cairn_protocol_requests_seconds_bucket{api="Produce",le="0.002"} 90
      cairn_protocol_requests_seconds_bucket{api="Produce",le="0.004"} 99
      cairn_protocol_requests_seconds_bucket{api="Produce",le="+Inf"} 100
      cairn_protocol_requests_seconds_count{api="Produce"} 100
      cairn_protocol_requests_seconds_sum{api="Produce"} 0.12
      cairn_protocol_requests_in_flight 1.0
      """;

  @Test
  void theBucketsOfTheAskedApiAreReadInOrderOfBound() {
    // when
    NodeRequestLatency.Histogram produce = NodeRequestLatency.parse(SCRAPE, "Produce");

    // then
    assertThat(produce.bounds()).containsExactly(0.001, 0.002, 0.004, Double.POSITIVE_INFINITY);
    assertThat(produce.cumulative()).containsExactly(50, 90, 99, 100);
    assertThat(produce.count()).isEqualTo(100);
    assertThat(NodeRequestLatency.parse(SCRAPE, "Fetch").count()).isEqualTo(9);
  }

  @Test
  void percentilesAreInterpolatedInsideTheirBucket() {
    // given
    NodeRequestLatency.Histogram produce = NodeRequestLatency.parse(SCRAPE, "Produce");

    // then: rank 25 of the 50 in [0, 1 ms]; rank 70 is 20 of the 40 in (1, 2 ms]; rank 99 ends the (2, 4 ms] bucket
    assertThat(produce.percentileMs(25)).isCloseTo(0.5, within(1e-9));
    assertThat(produce.percentileMs(70)).isCloseTo(1.5, within(1e-9));
    assertThat(produce.percentileMs(99)).isCloseTo(4.0, within(1e-9));
  }

  @Test
  void aPercentileBeyondTheLastFiniteBoundIsThatBoundAndAnEmptyHistogramHasNone() {
    // given
    NodeRequestLatency.Histogram produce = NodeRequestLatency.parse(SCRAPE, "Produce");

    // then
    assertThat(produce.percentileMs(99.9)).isEqualTo(4.0);
    assertThat(NodeRequestLatency.parse(SCRAPE, "Metadata").count()).isZero();
    assertThat(NodeRequestLatency.parse(SCRAPE, "Metadata").percentileMs(50)).isNaN();
  }

  @Test
  void theDifferenceOfTwoScrapesCountsOnlyTheRequestsBetweenThem() {
    // given
    NodeRequestLatency.Histogram before = NodeRequestLatency.parse(SCRAPE, "Produce");
    NodeRequestLatency.Histogram after = NodeRequestLatency.parse(SCRAPE.replace("le=\"0.001\"} 50", "le=\"0.001\"} 50")
        .replace("le=\"0.002\"} 90", "le=\"0.002\"} 190").replace("le=\"0.004\"} 99", "le=\"0.004\"} 199")
        .replace("api=\"Produce\",le=\"+Inf\"} 100", "api=\"Produce\",le=\"+Inf\"} 200"), "Produce");

    // when
    NodeRequestLatency.Histogram between = after.minus(before);

    // then: the 100 new requests all took 1-2 ms
    assertThat(between.cumulative()).containsExactly(0, 100, 100, 100);
    assertThat(between.percentileMs(50)).isCloseTo(1.5, within(1e-9));
    assertThat(after.minus(NodeRequestLatency.parse("", "Produce")).count()).isEqualTo(200);
  }

  @Test
  void scrapesWithDifferentBucketsCannotBeSubtracted() {
    NodeRequestLatency.Histogram produce = NodeRequestLatency.parse(SCRAPE, "Produce");
    NodeRequestLatency.Histogram fetch = NodeRequestLatency.parse(SCRAPE, "Fetch");

    assertThatThrownBy(() -> produce.minus(fetch)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different buckets");
  }
}
