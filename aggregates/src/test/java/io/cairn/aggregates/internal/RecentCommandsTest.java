package io.cairn.aggregates.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentCommandsTest {

  @Test
  void consecutiveEventsOfOneCommandFormOneRange() {
    RecentCommands recent = new RecentCommands(10);

    recent.observe("a", 1);
    recent.observe("b", 2);
    recent.observe("b", 3);
    recent.observe(null, 4);
    recent.observe("c", 5);

    assertThat(recent.find("a")).contains(new VersionRange(1, 1));
    assertThat(recent.find("b")).contains(new VersionRange(2, 3));
    assertThat(recent.find("c")).contains(new VersionRange(5, 5));
  }

  @Test
  void theOldestCommandsAreForgottenBeyondTheCapacity() {
    RecentCommands recent = new RecentCommands(2);

    recent.record("a", new VersionRange(1, 1));
    recent.record("b", new VersionRange(2, 2));
    recent.observe("c", 3);

    assertThat(recent.find("a")).isEmpty();
    assertThat(recent.toMap()).containsOnlyKeys("b", "c");
  }
}
