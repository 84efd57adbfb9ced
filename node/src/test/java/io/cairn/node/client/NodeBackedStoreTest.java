package io.cairn.node.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.EventStore;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NodeBackedStoreTest {

  /**
   * A default method of {@link EventStore} left to its default would run the interface's code instead of the
   * client's, and the contract tests would pass or fail for the wrong store (appendEach once did: the
   * client's one-task hand-over went untested and its contract test failed 1 run in 30).
   */
  @Test
  void forwardsEveryDefaultMethodOfEventStore() {
    // given
    Method[] defaults = Arrays.stream(EventStore.class.getMethods()).filter(Method::isDefault).toArray(Method[]::new);

    // then
    assertThat(defaults).isNotEmpty();
    for (Method method : defaults) {
      assertThat(declares(method)).as("NodeBackedStore overrides %s", method).isTrue();
    }
  }

  private static boolean declares(Method method) {
    try {
      NodeBackedStore.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
