package io.cairn.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicItemsTest {

  @Test
  void oneItemPerTopicInTheMapsOrder() {
    Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
    byTopic.put("b", List.of(2, 0));
    byTopic.put("a", List.of(1));

    assertThat(TopicItems.of(byTopic)).containsExactly(new TopicItems<>("b", List.of(2, 0)),
        new TopicItems<>("a", List.of(1)));
  }
}
